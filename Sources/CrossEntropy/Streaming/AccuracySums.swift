/// The correct and total sample weights behind a stream's accuracy, summed twice: as given, and
/// scaled by 2^-64. The whole-set path scales the weights by their largest's power of two when
/// their sum could overflow; a stream cannot know its largest weight ahead, so it reads the
/// scaled sums when the plain ones overflowed (weights near float64's largest). Power-of-two
/// scaling is exact in float64's normal range, so either ratio is the whole-set path's.
struct AccuracySums: AccuracyTerms, Sendable {
    private var plain = AccuracyPair()
    private var scaled = AccuracyPair()

    /// The scale of the second sums: a set's weights, each below 2^1024, summed over fewer
    /// than 2^60 terms, stay finite.
    private static let scale = 0x1p-64

    mutating func add(weight: Double, isCorrect: Bool) {
        plain.add(weight: weight, isCorrect: isCorrect)
        scaled.add(weight: weight * Self.scale, isCorrect: isCorrect)
    }

    /// Adds another part's sums (a chunk's, in order).
    mutating func add(_ other: AccuracySums) {
        plain.correct.add(other.plain.correct.value)
        plain.total.add(other.plain.total.value)
        scaled.correct.add(other.scaled.correct.value)
        scaled.total.add(other.scaled.total.value)
    }

    /// correct / total, from the scaled sums when the plain ones overflowed; nil when nothing
    /// weighs anything.
    var ratio: Double? {
        let (correct, total) = (plain.correct.value, plain.total.value)
        if total.isFinite && correct.isFinite { return total > 0 ? correct / total : nil }
        let (scaledCorrect, scaledTotal) = (scaled.correct.value, scaled.total.value)
        return scaledTotal > 0 && scaledTotal.isFinite ? scaledCorrect / scaledTotal : nil
    }
}
