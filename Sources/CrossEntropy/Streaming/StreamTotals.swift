/// What `CategoricalStream` and `BinaryStream` both keep per sample, added in row order as the
/// whole-set paths add them: the weighted total of the losses, the weights, the unweighted total
/// (for the overflow diagnosis), the band measure's total when it is not the loss itself, the
/// ratio moments, and the per-sample losses and measures when they are kept.
struct StreamTotals: Sendable {
    /// Whether per-sample losses and measures are kept (`per_sample`).
    let keepsLosses: Bool
    /// Whether the band measure is the loss itself (else it is the document's measure).
    let documentMeasure: Bool
    private(set) var total = ScaledSum()
    private(set) var weight = ScaledSum()
    private var unweightedTotal = ScaledSum()
    private var measureTotal = ScaledSum()
    private(set) var moments = RatioMoments()
    private(set) var losses: [Double] = []
    private var measureLosses: [Double] = []

    init(options: LossOptions, keepsLosses: Bool) {
        self.keepsLosses = keepsLosses
        documentMeasure = BandMeasure.isDocumentMeasure(options)
    }

    /// Adds one sample's loss (`significand` · 2^`exponent`) at weight `s`, and its band measure's
    /// parts when the measure is not the loss.
    mutating func add(_ significand: Double, exponent: Int, weight s: Double, measure: (Double, Int)?) {
        total.add(significand, times: s, exponent: exponent)
        unweightedTotal.add(significand, times: 1, exponent: exponent)
        weight.add(s)
        if let (measureSignificand, measureExponent) = measure {
            measureTotal.add(measureSignificand, times: s, exponent: measureExponent)
        }
    }

    /// Ends a piece: merges its moments, and keeps its losses and measures when asked to.
    mutating func endPiece(losses pieceLosses: [Double], measures: [Double], moments pieceMoments: RatioMoments) {
        moments.merge(pieceMoments)
        if keepsLosses {
            losses += pieceLosses
            measureLosses += measures
        }
    }

    /// Σ wᵢLᵢ / Σ wᵢ so far.
    var weightedMean: Double { ScaledSum.ratio(total, weight) }

    /// Whether Σ Lᵢ without sample weights is finite.
    var unweightedSumIsFinite: Bool { unweightedTotal.value.isFinite }

    /// The band measure of the set so far, in `base` when it is the loss itself.
    func measure(base: LogBase) -> BandMeasure {
        documentMeasure
            ? BandMeasure(losses: losses, mean: weightedMean, base: base)
            : BandMeasure(losses: measureLosses, mean: ScaledSum.ratio(measureTotal, weight), base: .two)
    }
}

/// What a stream found: the loss (per-sample losses when kept), the figures beside it, and the
/// band measure. `CategoricalStreamResult` and `BinaryStreamResult` name its two forms.
public struct StreamResult<Loss: Sendable>: Sendable {
    public let loss: Loss
    /// Samples.
    public let count: Int
    public let accuracy: Double?
    public let normalizedEntropy: Double?
    public let moments: RatioMoments
    public let measure: BandMeasure
    /// Whether Σ Lᵢ without sample weights is finite (the sample weights are then what makes a
    /// sum overflow).
    public let unweightedSumIsFinite: Bool
}

/// What a `CategoricalStream` found.
public typealias CategoricalStreamResult = StreamResult<CategoricalLoss>

/// What a `BinaryStream` found.
public typealias BinaryStreamResult = StreamResult<BinaryLoss>
