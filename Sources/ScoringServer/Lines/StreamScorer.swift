import CrossEntropy
import HTTPTransport

/// Scores the validated lines of a stream in line order and writes the answer the JSON path
/// writes for the same samples (`Scorer`, `ResultEncoding`).
struct StreamScorer {
    // One stream or the other (no enum: a stream taken out of an enum to be added to is a
    // second reference to its arrays, and each add copied them: per_sample streams took time
    // quadratic in their length).
    private var categorical: CategoricalStream?
    private var binary: BinaryStream?
    private let indexLabels: Bool
    private let options: LossOptions
    private var answerOptions: AnswerOptions
    private let classes: Int
    private let limits: ScoringLimits
    private let tally = ScoringTally()
    /// Whether any line carried sample weights (the answer's `reduction` says so).
    private var weighted = false
    /// Whether some sample weighs more than 0 (else there is no loss to report).
    private var anyPositiveWeight = false
    /// Whether some labelled class's weight counts (`OptionsValidator.classWeightsInUse`).
    private var classWeightsInUse = false
    /// Samples sent, those `ignore_index` left out included.
    private var sent = 0
    /// Samples `ignore_index` left out, and (for `per_sample`) where they were.
    private var ignoredCount = 0
    private var ignoredPositions: [Int] = []

    /// A scorer shaped by the first line: its classes, label form, options.
    init(first job: ScoringJob, limits: ScoringLimits) {
        self.limits = limits
        switch job {
        case .categorical(let predictions, let labels, let options, let answer):
            categorical = CategoricalStream(
                classes: predictions.columns, options: options, keepsLosses: answer.perSample)
            (self.options, answerOptions, classes) = (options.withoutSampleWeights, answer, predictions.columns)
            indexLabels = labels.isIndices
        case .binary(let predictions, _, let options, let answer):
            binary = BinaryStream(classes: predictions.columns, options: options, keepsLosses: answer.perSample)
            (self.options, answerOptions, classes) = (options.withoutSampleWeights, answer, predictions.columns)
            indexLabels = false
        }
        answerOptions.ignored = nil  // the first line's; the stream's are counted as lines come
    }

    /// Adds the samples of line `index` (0-based), or throws a 422 when they disagree with the
    /// lines before (class count, label form) or a per-sample answer would pass --max-samples.
    mutating func add(_ job: ScoringJob, index: Int) throws(Problem) {
        // Only an error says it: no string is built per line.
        var line: String { "line \(index + 1): " }
        let predictions: Matrix
        let options: LossOptions
        let answer: AnswerOptions
        switch job {
        case .categorical(let p, _, let o, let a), .binary(let p, _, let o, let a):
            (predictions, options, answer) = (p, o, a)
        }
        guard predictions.columns == classes else {
            throw Problem.validation([
                Problem.Detail(
                    pointer: "/lines/\(index)",
                    detail: line + "\(predictions.columns) classes; the lines before have \(classes)")
            ])
        }
        let lineSamples = predictions.rows + (answer.ignoredTotal ?? 0)
        if answerOptions.perSample, sent + lineSamples > limits.maxSamples {
            throw Problem.limit(
                "/lines/\(index)", line + "with per_sample, the count of samples", actual: sent + lineSamples,
                limit: limits.maxSamples, flag: "--max-samples")
        }
        if case .categorical(_, let labels, _, _) = job, labels.isIndices != indexLabels {
            throw Problem.validation([
                Problem.Detail(
                    pointer: "/lines/\(index)",
                    detail: line
                        + (indexLabels
                            ? "labels are rows; the lines before give class indices"
                            : "labels are class indices; the lines before give rows"))
            ])
        }
        if options.sampleWeights != nil { weighted = true }
        if options.sampleWeights?.contains(where: { $0 > 0 }) ?? (predictions.rows > 0) { anyPositiveWeight = true }
        ignoredCount += answer.ignoredTotal ?? 0
        if answerOptions.perSample, let ignored = answer.ignored {
            ignoredPositions += ignored.positions.map { sent + $0 }
        }
        sent += lineSamples
        let base = BandMeasure.base(for: self.options)
        switch job {
        case .categorical(let predictions, let labels, let options, _):
            if !classWeightsInUse { classWeightsInUse = OptionsValidator.classWeightsInUse(labels, options: options) }
            guard
                let (_, measures) = categorical?.add(
                    predictions: predictions, labels: labels, sampleWeights: options.sampleWeights)
            else { return }
            if !answerOptions.perSample {
                tally.record(
                    measures.reduce(into: BandCounts()) {
                        $0.add(CategoricalBand.of(loss: $1, classes: classes, base: base))
                    })
            }
        case .binary(let predictions, let targets, let options, _):
            guard
                let (_, measures) = binary?.add(
                    predictions: predictions, targets: targets, sampleWeights: options.sampleWeights)
            else { return }
            if !answerOptions.perSample {
                tally.record(measures.reduce(into: BandCounts()) { $0.add(BinaryBand.of(loss: $1, base: base)) })
            }
        }
    }

    /// Samples scored so far.
    var count: Int { categorical?.count ?? binary?.count ?? 0 }

    /// The 200 answer, or the 422 of a result beyond float64.
    func answer(metrics: ServiceMetrics?) -> HTTPResponse {
        // The set's rules, which each line was validated without (`RequestValidator.wholeSet`),
        // in the JSON path's order.
        if count == 0, ignoredCount > 0, let ignoreIndex = answerOptions.ignoreIndex {
            return .problem(
                Problem.validation([
                    Problem.Detail(
                        pointer: "/lines",
                        detail:
                            "every label is ignore_index (\(ignoreIndex)): no sample is left to score (PyTorch's mean is NaN)"
                    )
                ]))
        }
        guard classWeightsInUse || categorical == nil else {
            return .problem(
                Problem.validation([
                    Problem.Detail(
                        pointer: "/" + ScoringField.classWeights.rawValue, detail: OptionsValidator.classWeightsUnused)
                ]))
        }
        guard anyPositiveWeight else {
            return .problem(
                Problem.validation([
                    Problem.Detail(
                        pointer: "/lines",
                        detail: "the sample weights of every line are 0; at least one must be positive")
                ]))
        }
        var json = JSONWriter(capacity: 512)
        let perSample = answerOptions.perSample
        // The settings name a sample-weighted reduction when weights were given (their values
        // are not read there).
        var options = self.options
        if weighted { options.sampleWeights = [] }
        var answerOptions = self.answerOptions
        if ignoredCount > 0 {
            // Positions are kept for per-sample answers only (bounded by --max-samples).
            if perSample {
                answerOptions.ignored = IgnoredSamples(positions: ignoredPositions, total: sent)
            } else {
                answerOptions.ignoredCount = ignoredCount
            }
        }
        if let stream = categorical {
            let result = stream.result()
            guard OverflowDiagnosis.isWritable(result.loss, perSample: perSample) else {
                return .problem(overflow(result.unweightedSumIsFinite, classWeightField: .classWeights))
            }
            let evaluation = ResultEncoding.Evaluation(
                perplexity: options.base.power(result.loss.mean), accuracy: result.accuracy,
                normalizedEntropy: result.normalizedEntropy)
            ResultEncoding.writeCategorical(
                result.loss, samples: result.count, classes: classes, indexLabels: indexLabels, options: options,
                measure: result.measure, evaluation: evaluation,
                uncertainty: ResultEncoding.Uncertainty(
                    result.moments, loss: result.loss.mean, confidence: answerOptions.confidence),
                perClass: nil, answer: answerOptions, tally: tally, to: &json)
            metrics?.recordScored(tally, samples: result.count, loss: .cce, model: answerOptions.model)
        } else if let stream = binary {
            let result = stream.result()
            guard OverflowDiagnosis.isWritable(result.loss, perSample: perSample) else {
                return .problem(overflow(result.unweightedSumIsFinite, classWeightField: .positiveWeights))
            }
            let evaluation = ResultEncoding.Evaluation(
                perplexity: nil, accuracy: result.accuracy, normalizedEntropy: result.normalizedEntropy)
            ResultEncoding.writeBinary(
                result.loss, samples: result.count, options: options, measure: result.measure,
                evaluation: evaluation,
                uncertainty: ResultEncoding.Uncertainty(
                    result.moments, loss: result.loss.mean, confidence: answerOptions.confidence),
                answer: answerOptions, tally: tally, to: &json)
            metrics?.recordScored(tally, samples: result.count, loss: .bce, model: answerOptions.model)
        }
        return .json(
            json.bytes,
            summary: ScoredRequest(
                n: count, classes: classes, convention: options.convention, model: answerOptions.model))
    }

    /// The 422 of a sum beyond float64: the sample weights when the unweighted sum is finite,
    /// else the class weights when there are any, else the predictions (the JSON path rescores
    /// to tell; a stream cannot, so it names the field from the sums it kept).
    private func overflow(_ unweightedIsFinite: Bool, classWeightField: ScoringField) -> Problem {
        let hasClassWeights = (options.classWeights ?? options.positiveWeights) != nil
        let field: ScoringField =
            unweightedIsFinite ? .sampleWeights : hasClassWeights ? classWeightField : .predictions
        return Problem.validation([
            Problem.Detail(pointer: "/lines", detail: OverflowDiagnosis.detail(field))
        ])
    }
}

extension LossOptions {
    /// These options with no sample weights (each line brings its own).
    fileprivate var withoutSampleWeights: LossOptions {
        var options = self
        options.sampleWeights = nil
        return options
    }
}
