/// The document's reading of a binary cross-entropy value: the per-sample sum over classes,
/// converted to bits.
public enum BinaryBand: String, Sendable, CaseIterable {
    case veryGood = "very_good"
    case good
    case moderatelyWrong = "moderately_wrong"
    case wrong

    /// The greatest loss in bits of each band; anything above the last is `wrong`.
    public static let bitThresholds: [(band: BinaryBand, maximumBits: Double)] = [
        (.veryGood, 0.5), (.good, 1.0), (.moderatelyWrong, 2.0),
    ]

    public static func of(loss: Double, base: LogBase) -> BinaryBand {
        let bits = base.toBits(loss)
        for (band, maximum) in bitThresholds where bits <= maximum * (1 + BandTolerance.relative) {
            return band
        }
        return .wrong
    }

    /// The document's words for the band.
    public var summary: String {
        switch self {
        case .veryGood: "very good match between prediction and true labels (0.0 to 0.5 bits)"
        case .good: "good (0.5 to 1.0 bits)"
        case .moderatelyWrong: "moderately wrong (1.0 to 2.0 bits)"
        case .wrong: "wrong (above 2.0 bits)"
        }
    }
}
