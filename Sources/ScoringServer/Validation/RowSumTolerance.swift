/// How far a probability (or soft label) row may sum from 1 and still be accepted.
///
/// Softmax output computed in float32 and sent as float64 is off by the rounding of its
/// normaliser: at worst about C·2⁻²⁴ for C classes summed one after another. The tolerance
/// is twice that plus 1e-6 for values printed with few digits:
/// |Σ p − 1| ≤ 1e-6 + C·2⁻²³ (1.4e-6 for 3 classes, 1.2e-3 for 10,000).
enum RowSumTolerance {
    static let float32Epsilon = 1.192_092_895_507_812_5e-7  // 2⁻²³

    static func forClasses(_ classes: Int) -> Double {
        1e-6 + Double(classes) * float32Epsilon
    }
}
