/// The correct and total sample weights behind a stream's accuracy, summed twice: as given, and
/// scaled by 2^-64. The whole-set path scales the weights by their largest's power of two when
/// their sum could overflow; a stream cannot know its largest weight ahead, so it reads the
/// scaled sums when the plain ones overflowed (weights near float64's largest). Power-of-two
/// scaling is exact in float64's normal range, so either ratio is the whole-set path's.
struct AccuracySums: Sendable {
    private var correct = CompensatedSum()
    private var total = CompensatedSum()
    private var scaledCorrect = CompensatedSum()
    private var scaledTotal = CompensatedSum()

    /// The scale of the second sums: a set's weights, each below 2^1024, summed over fewer
    /// than 2^60 terms, stay finite.
    private static let scale = 0x1p-64

    /// `options` with the sample weights of `rows` rows (1 each when there are none) scaled as
    /// the second sums take them: made once per piece, for `add`.
    static func scaled(_ options: LossOptions, rows: Int) -> LossOptions {
        let weights = options.sampleWeights.map { $0.map { $0 * scale } }
        return options.withSampleWeights(weights ?? [Double](repeating: scale, count: rows))
    }

    /// Adds what `terms` adds for `options`' sample weights, and for `scaled` (`scaled(_:rows:)`
    /// of them); false, and nothing added, when `terms` is false.
    mutating func add(
        options: LossOptions, scaled: LossOptions,
        _ terms: (LossOptions, inout CompensatedSum, inout CompensatedSum) -> Bool
    ) -> Bool {
        guard terms(options, &correct, &total) else { return false }
        _ = terms(scaled, &scaledCorrect, &scaledTotal)
        return true
    }

    /// Adds another part's sums (a chunk's, in order).
    mutating func add(_ other: AccuracySums) {
        correct.add(other.correct.value)
        total.add(other.total.value)
        scaledCorrect.add(other.scaledCorrect.value)
        scaledTotal.add(other.scaledTotal.value)
    }

    /// correct / total, from the scaled sums when the plain ones overflowed; nil when nothing
    /// weighs anything.
    var ratio: Double? {
        if total.value.isFinite && correct.value.isFinite {
            return total.value > 0 ? correct.value / total.value : nil
        }
        return scaledTotal.value > 0 && scaledTotal.value.isFinite ? scaledCorrect.value / scaledTotal.value : nil
    }
}
