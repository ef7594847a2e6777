import CrossEntropy

/// Which loss a request asks for.
enum LossKind: String, Sendable, CaseIterable {
    case cce
    case bce

    /// The loss a request's `loss` member names (a /batch job's, a /compare body's), or the
    /// problem at `pointer`: missing, or not "cce" or "bce".
    static func named(_ name: String?, at pointer: String) throws(Problem.Detail) -> LossKind {
        guard let name else { throw Problem.Detail(pointer: pointer, detail: "missing required field 'loss'") }
        guard let kind = LossKind(rawValue: name) else {
            throw Problem.Detail(
                pointer: pointer, detail: "unknown loss '\(ClientText.cut(name))'; expected 'cce' or 'bce'")
        }
        return kind
    }
}

/// What an answer carries beside the loss, as the request asked.
struct AnswerOptions: Sendable {
    /// Each sample's loss and band (`per_sample`, default true).
    var perSample = true
    /// Each true class's mean loss (`per_class`, default false; CCE over index labels only).
    var perClass = false
    /// The interval's confidence c, 0 < c < 1 (`confidence`, default 0.95).
    var confidence = AnswerOptions.defaultConfidence
    /// The model the request names (`model`), echoed in the answer, the access log and the
    /// metrics' `model` label.
    var model: String?
    /// The `ignore_index` in effect (PyTorch's, over class-index labels), echoed in `settings`.
    var ignoreIndex: Int?
    /// The samples it left out: the job holds the others only, and the per-sample arrays of
    /// the answer put these back as `null`.
    var ignored: IgnoredSamples?
    /// How many samples `ignore_index` left out when their positions are not kept (a JSON
    /// Lines stream without `per_sample`); otherwise `ignored` counts them.
    var ignoredCount: Int?

    /// The samples `ignore_index` left out, if any (the answer's `ignored`).
    var ignoredTotal: Int? { ignored?.positions.count ?? ignoredCount }

    static let defaultConfidence = 0.95
}

/// A validated request, ready for the core library: shapes match, values are in range.
enum ScoringJob: Sendable {
    case categorical(predictions: Matrix, labels: CategoricalLabels, options: LossOptions, answer: AnswerOptions)
    case binary(predictions: Matrix, targets: Matrix, options: LossOptions, answer: AnswerOptions)

    /// The same job with no `model` to echo (a /compare baseline).
    var withoutModel: ScoringJob {
        switch self {
        case .categorical(let predictions, let labels, let options, var answer):
            answer.model = nil
            return .categorical(predictions: predictions, labels: labels, options: options, answer: answer)
        case .binary(let predictions, let targets, let options, var answer):
            answer.model = nil
            return .binary(predictions: predictions, targets: targets, options: options, answer: answer)
        }
    }

    /// What the answer carries beside the loss.
    var answer: AnswerOptions {
        switch self {
        case .categorical(_, _, _, let answer), .binary(_, _, _, let answer): answer
        }
    }

    var loss: LossKind {
        switch self {
        case .categorical: .cce
        case .binary: .bce
        }
    }
}
