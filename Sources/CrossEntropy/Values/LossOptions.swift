/// How predictions are read, how the loss is weighted, and in which unit it is reported.
public struct LossOptions: Sendable, Hashable {
    /// Whose formulas and reduction to follow; the other defaults are not derived from it here
    /// (see `LossOptions(convention:predictionKind:)`).
    public var convention: Convention
    public var predictionKind: PredictionKind
    public var base: LogBase
    /// Applies to probability input only; logits are never clipped.
    public var clipping: Clipping
    /// a in [0, 1): categorical targets become y(1 - a) + a/C, binary ones y(1 - a) + a/2.
    public var labelSmoothing: Double
    /// One weight per sample (n values ≥ 0, not all 0): the loss is Σ s_i L_i / Σ s_i.
    public var sampleWeights: [Double]?
    /// Categorical only: one weight per class multiplying that class's term (`class_weights`).
    public var classWeights: [Double]?
    /// Binary only: one weight per class multiplying the positive term y log p (PyTorch's
    /// `pos_weight`).
    public var positiveWeights: [Double]?

    public init(
        convention: Convention = .document,
        predictionKind: PredictionKind = .probabilities,
        base: LogBase = .two,
        clipping: Clipping = Clipping(),
        labelSmoothing: Double = 0,
        sampleWeights: [Double]? = nil,
        classWeights: [Double]? = nil,
        positiveWeights: [Double]? = nil
    ) {
        self.convention = convention
        self.predictionKind = predictionKind
        self.base = base
        self.clipping = clipping
        self.labelSmoothing = labelSmoothing
        self.sampleWeights = sampleWeights
        self.classWeights = classWeights
        self.positiveWeights = positiveWeights
    }

    /// The options a convention starts from: its base and clipping, no weights or smoothing.
    public init(convention: Convention, predictionKind: PredictionKind) {
        self.init(
            convention: convention,
            predictionKind: predictionKind,
            base: convention.defaultBase,
            clipping: convention.defaultClipping
        )
    }

    /// The weight of sample i (1 when unweighted).
    func sampleWeight(_ i: Int) -> Double { sampleWeights?[i] ?? 1 }

    /// These options with the sample weights divided by the power of two of their largest (so
    /// that sums over them stay finite and exact), and that power.
    func scalingSampleWeights() -> (options: LossOptions, scale: PowerOfTwoScale) {
        guard let weights = sampleWeights else { return (self, .one) }
        let scale = PowerOfTwoScale(largestOf: weights)
        var scaled = self
        scaled.sampleWeights = scale.exponent == 0 ? weights : weights.map(scale.down)
        return (scaled, scale)
    }

    /// These options with the sample weights scaled as `scalingSampleWeights` does only when a
    /// sum of `terms` of them could overflow (their largest × `terms` within 2^4 of float64's
    /// largest power of two): for a ratio of weight sums (accuracy), whose scale cancels.
    /// Scaling down flushes the smallest weights to 0 (5e-324 / 2 is 0), which a stream, that
    /// cannot know the largest weight ahead, keeps.
    func scalingSampleWeightsIfTheirSumCouldOverflow(terms: Int) -> LossOptions {
        guard let weights = sampleWeights else { return self }
        let scale = PowerOfTwoScale(largestOf: weights)
        let countBits = Int.bitWidth - max(terms, 1).leadingZeroBitCount
        return scale.exponent + countBits <= Double.greatestFiniteMagnitude.exponent - 3
            ? self : scalingSampleWeights().options
    }
}
