/// How predictions are read and in which unit the loss is reported.
public struct LossOptions: Sendable, Hashable {
    public var predictionKind: PredictionKind
    public var base: LogBase
    /// Applies to probability input only; logits are never clipped.
    public var clipping: Clipping

    public init(
        predictionKind: PredictionKind = .probabilities,
        base: LogBase = .two,
        clipping: Clipping = Clipping()
    ) {
        self.predictionKind = predictionKind
        self.base = base
        self.clipping = clipping
    }
}
