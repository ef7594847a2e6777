import CrossEntropy

/// Consecutive lines of one batch joined on the worker into one piece for the merge.
///
/// The merge queue is serial, and adding a one-row job to a stream costs far more than its
/// row (the piece's arrays, its moments); joined, a batch of sample lines is one add. The rows
/// go to the stream in the same order, so the sums are the same bits (`CategoricalStream`,
/// `BinaryStream`: any split is exact; the moments merge per piece, equal to rounding).
///
/// Lines join while they agree on everything the merge checks per line: the loss, the class
/// count, the label form, whether they carry weights, and the options. So a line the merge
/// refuses (other classes, other label form) starts its own piece and the merge names it.
/// A `per_sample` stream is not joined: its `--max-samples` check names the line that passes it.
struct LinePiece {
    /// The index of the piece's first line.
    let index: Int
    private let first: ScoringJob
    private let columns: Int
    private let options: LossOptions
    private let weighted: Bool
    private var rows = 0
    private var predictions: [Double] = []
    /// Index labels (CCE) or label rows (CCE distributions, BCE targets), row-major.
    private var labelIndices: [Int] = []
    private var labelValues: [Double] = []
    private var weights: [Double] = []
    /// Samples `ignore_index` left out of the joined lines (only their count is kept: joined
    /// lines have no per-sample answer).
    private var ignored = 0
    private var joined = 0

    /// A piece that starts with line `index`'s job.
    init(_ job: ScoringJob, index: Int) {
        self.index = index
        first = job
        (columns, options, weighted) = Self.traits(of: job)
    }

    /// Whether `job` could join a piece (only when its answer keeps no per-sample arrays).
    static func canJoin(_ job: ScoringJob) -> Bool { !job.answer.perSample }

    /// Appends `job`'s rows when it agrees with the piece; false (and nothing appended) when not.
    mutating func join(_ job: ScoringJob) -> Bool {
        let (columns, options, weighted) = Self.traits(of: job)
        guard columns == self.columns, weighted == self.weighted, options == self.options else { return false }
        switch (first, job) {
        case (.categorical(_, let firstLabels, _, _), .categorical(_, let labels, _, _)):
            guard labels.isIndices == firstLabels.isIndices else { return false }
        case (.binary, .binary): break
        default: return false
        }
        if joined == 0 { append(first) }
        append(job)
        joined += 1
        return true
    }

    /// The piece as one job (the first line's job when nothing joined it).
    var job: ScoringJob {
        guard joined > 0 else { return first }
        let matrix = Matrix(rows: rows, columns: columns, values: predictions)
        var options = self.options
        options.sampleWeights = weighted ? weights : nil
        var answer = first.answer
        answer.ignored = nil
        answer.ignoredCount = ignored > 0 ? ignored : nil
        switch first {
        case .categorical(_, let labels, _, _):
            let joinedLabels: CategoricalLabels =
                labels.isIndices
                ? .indices(labelIndices)
                : .distributions(Matrix(rows: rows, columns: columns, values: labelValues))
            return .categorical(predictions: matrix, labels: joinedLabels, options: options, answer: answer)
        case .binary:
            let targets = Matrix(rows: rows, columns: columns, values: labelValues)
            return .binary(predictions: matrix, targets: targets, options: options, answer: answer)
        }
    }

    private mutating func append(_ job: ScoringJob) {
        ignored += job.answer.ignoredTotal ?? 0
        switch job {
        case .categorical(let predictions, let labels, let options, _):
            self.predictions += predictions.values
            switch labels {
            case .indices(let indices): labelIndices += indices
            case .distributions(let matrix): labelValues += matrix.values
            }
            weights += options.sampleWeights ?? []
            rows += predictions.rows
        case .binary(let predictions, let targets, let options, _):
            self.predictions += predictions.values
            labelValues += targets.values
            weights += options.sampleWeights ?? []
            rows += predictions.rows
        }
    }

    /// What must agree for two lines to join: columns, the options without sample weights, and
    /// whether there are sample weights.
    private static func traits(of job: ScoringJob) -> (columns: Int, options: LossOptions, weighted: Bool) {
        switch job {
        case .categorical(let predictions, _, var options, _), .binary(let predictions, _, var options, _):
            let weighted = options.sampleWeights != nil
            options.sampleWeights = nil
            return (predictions.columns, options, weighted)
        }
    }
}
