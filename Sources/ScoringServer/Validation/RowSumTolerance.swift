/// How far a probability (or soft label) row may sum from 1 and still be accepted.
///
/// Softmax output computed in float32 and sent as float64 is off by the rounding of its
/// normaliser: at worst about C·2⁻²⁴ for C classes summed one after another. The tolerance
/// is twice that plus 1e-6 for values printed with few digits, capped at 1e-2:
/// |Σ p − 1| ≤ 1e-6 + min(C·2⁻²³, 1e-2) (1.4e-6 for 3 classes, 1.2e-3 for 10,000, 1.0001e-2
/// from 83,887 on). Uncapped it reached ±11.9% at a million classes, where rows summing to
/// 0.881 were scored and a row of equal probabilities had a perplexity 13.5% above C; the cap
/// keeps that perplexity ≤ C/(1 − tolerance) < 1.0102·C. Measured at 10⁶ classes on float32
/// softmax, pairwise summation misses 1 by ~6e-8 and a naive loop by ~1.9e-3: both inside.
enum RowSumTolerance {
    static let float32Epsilon = 1.192_092_895_507_812_5e-7  // 2^-23
    /// The most the float32 rounding term may contribute, whatever the class count.
    static let roundingCap = 1e-2

    static func forClasses(_ classes: Int) -> Double {
        1e-6 + min(Double(classes) * float32Epsilon, roundingCap)
    }
}
