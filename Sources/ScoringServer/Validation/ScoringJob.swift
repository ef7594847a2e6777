import CrossEntropy

/// Which loss a request asks for.
enum LossKind: String, Sendable, CaseIterable {
    case cce
    case bce
}

/// A validated request, ready for the core library: shapes match, values are in range.
enum ScoringJob: Sendable {
    case categorical(predictions: Matrix, labels: CategoricalLabels, options: LossOptions, perSample: Bool)
    case binary(predictions: Matrix, targets: Matrix, options: LossOptions, perSample: Bool)

    var loss: LossKind {
        switch self {
        case .categorical: .cce
        case .binary: .bce
        }
    }
}
