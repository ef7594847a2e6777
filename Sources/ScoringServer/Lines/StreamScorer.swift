import CrossEntropy
import HTTPTransport

/// Scores the validated lines of a stream in line order and writes the answer the JSON path
/// writes for the same samples (`Scorer`, `ResultEncoding`).
struct StreamScorer {
    private enum Loss {
        case categorical(CategoricalStream, indexLabels: Bool)
        case binary(BinaryStream)
    }

    private var loss: Loss
    private let options: LossOptions
    private let answerOptions: AnswerOptions
    private let classes: Int
    private let limits: ScoringLimits
    private let tally = ScoringTally()
    /// Whether any line carried sample weights (the answer's `reduction` says so).
    private var weighted = false
    /// Whether some sample weighs more than 0 (else there is no loss to report).
    private var anyPositiveWeight = false

    /// A scorer shaped by the first line: its classes, label form, options.
    init(first job: ScoringJob, limits: ScoringLimits) {
        self.limits = limits
        switch job {
        case .categorical(let predictions, let labels, let options, let answer):
            loss = .categorical(
                CategoricalStream(classes: predictions.columns, options: options, keepsLosses: answer.perSample),
                indexLabels: labels.isIndices)
            (self.options, answerOptions, classes) = (options.withoutSampleWeights, answer, predictions.columns)
        case .binary(let predictions, _, let options, let answer):
            loss = .binary(BinaryStream(classes: predictions.columns, options: options, keepsLosses: answer.perSample))
            (self.options, answerOptions, classes) = (options.withoutSampleWeights, answer, predictions.columns)
        }
    }

    /// Adds the samples of line `index` (0-based), or throws a 422 when they disagree with the
    /// lines before (class count, label form) or a per-sample answer would pass --max-samples.
    mutating func add(_ job: ScoringJob, index: Int) throws(Problem) {
        // Only an error says it: no string is built per line.
        var line: String { "line \(index + 1): " }
        switch job {
        case .categorical(_, _, let options, _), .binary(_, _, let options, _):
            if options.sampleWeights != nil { weighted = true }
            if options.sampleWeights?.contains(where: { $0 > 0 }) ?? true { anyPositiveWeight = true }
        }
        let rows: Int
        switch job {
        case .categorical(let predictions, _, _, _), .binary(let predictions, _, _, _): rows = predictions.rows
        }
        if case .categorical(let predictions, _, _, _) = job, predictions.columns != classes {
            throw Problem.validation([
                Problem.Detail(
                    pointer: "/lines/\(index)",
                    detail: line + "\(predictions.columns) classes; the lines before have \(classes)")
            ])
        }
        if case .binary(let predictions, _, _, _) = job, predictions.columns != classes {
            throw Problem.validation([
                Problem.Detail(
                    pointer: "/lines/\(index)",
                    detail: line + "\(predictions.columns) classes; the lines before have \(classes)")
            ])
        }
        if answerOptions.perSample, count + rows > limits.maxSamples {
            throw Problem.limit(
                "/lines/\(index)", line + "with per_sample, the count of samples", actual: count + rows,
                limit: limits.maxSamples, flag: "--max-samples")
        }
        switch (loss, job) {
        case (.categorical(var stream, let indexLabels), .categorical(let predictions, let labels, let options, _)):
            guard labels.isIndices == indexLabels else {
                throw Problem.validation([
                    Problem.Detail(
                        pointer: "/lines/\(index)",
                        detail: line
                            + (indexLabels
                                ? "labels are rows; the lines before give class indices"
                                : "labels are class indices; the lines before give rows"))
                ])
            }
            loss = .categorical(
                CategoricalStream(classes: 1, options: LossOptions(), keepsLosses: false), indexLabels: false)
            let (_, measures) = stream.add(
                predictions: predictions, labels: labels, sampleWeights: options.sampleWeights)
            if !answerOptions.perSample {
                let base = BandMeasure.base(for: self.options)
                tally.record(
                    measures.reduce(into: BandCounts()) {
                        $0.add(CategoricalBand.of(loss: $1, classes: classes, base: base))
                    })
            }
            loss = .categorical(stream, indexLabels: indexLabels)
        case (.binary(var stream), .binary(let predictions, let targets, let options, _)):
            loss = .binary(BinaryStream(classes: 1, options: LossOptions(), keepsLosses: false))
            let (_, measures) = stream.add(
                predictions: predictions, targets: targets, sampleWeights: options.sampleWeights)
            if !answerOptions.perSample {
                let base = BandMeasure.base(for: self.options)
                tally.record(measures.reduce(into: BandCounts()) { $0.add(BinaryBand.of(loss: $1, base: base)) })
            }
            loss = .binary(stream)
        default:
            break  // one route, one loss
        }
    }

    /// Samples scored so far.
    var count: Int {
        switch loss {
        case .categorical(let stream, _): stream.count
        case .binary(let stream): stream.count
        }
    }

    /// The 200 answer, or the 422 of a result beyond float64.
    func answer(metrics: ServiceMetrics?) -> HTTPResponse {
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
        switch loss {
        case .categorical(let stream, let indexLabels):
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
        case .binary(let stream):
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
        return .json(json.bytes)
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
