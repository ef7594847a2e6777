/// The document's reading of a categorical cross-entropy value, judged by the effective
/// true-class probability p = base^(-loss), so the band does not depend on the base.
public enum CategoricalBand: String, Sendable, CaseIterable {
    case perfect
    case highConfidence = "high_confidence"
    case moderate
    case low
    case veryLow = "very_low"
    case wrong

    /// The least effective probability of each band below `perfect`; `veryLow` starts at
    /// chance level 1/C, which depends on the number of classes.
    public static let probabilityThresholds: [(band: CategoricalBand, minimum: Double)] = [
        (.highConfidence, 0.9), (.moderate, 0.7), (.low, 0.5),
    ]

    public static func of(loss: Double, classes: Int, base: LogBase) -> CategoricalBand {
        if loss <= BandTolerance.perfect { return .perfect }
        let p = base.probability(ofLoss: loss)
        for (band, minimum) in probabilityThresholds where p >= minimum * (1 - BandTolerance.relative) {
            return band
        }
        let chance = 1 / Double(max(classes, 1))
        return p >= chance * (1 - BandTolerance.relative) ? .veryLow : .wrong
    }

    /// The document's words for the band.
    public var summary: String {
        switch self {
        case .perfect: "perfect prediction (ŷ = 1): 0.0 bits"
        case .highConfidence: "high confidence (ŷ = 0.9): 0.152 bits"
        case .moderate: "moderate (ŷ = 0.7): 0.514 bits"
        case .low: "low (ŷ = 0.5): 1.0 bit"
        case .veryLow: "very low, down to chance level (ŷ = 1/C: 1.585 bits for 3 classes, a random guess)"
        case .wrong: "wrong: below chance level (ŷ = 0.1: 3.322 bits)"
        }
    }
}
