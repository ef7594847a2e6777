/// The power of two just above the largest of some values, to divide them by where only their
/// ratios matter (accuracy, the label prior of normalized entropy): after the division the
/// largest is in [0.5, 1), so a sum of n of them stays below n and cannot overflow, however
/// large the weights. Dividing by a power of two is exact (unless a value drops below float64's
/// normal range, where it is negligible beside the largest).
struct PowerOfTwoScale: Sendable {
    /// log2 of the divisor: one more than the exponent of the largest value; 0 when there is
    /// none (or it is 0 or not finite).
    let exponent: Int

    /// The scale of `values`' largest element, finite values only.
    init<S: Sequence>(largestOf values: S) where S.Element == Double {
        var largest = 0.0
        for value in values where value.isFinite && abs(value) > largest { largest = abs(value) }
        exponent = largest > 0 ? largest.exponent + 1 : 0
    }

    private init(exponent: Int) {
        self.exponent = exponent
    }

    /// No scaling.
    static let one = PowerOfTwoScale(exponent: 0)

    /// x / 2^exponent.
    func down(_ x: Double) -> Double { exponent == 0 ? x : scaled(x, by: -exponent) }
}

/// x · 2^e, correctly rounded whatever e (a plain multiplication by 2^e would overflow for
/// e ≥ 1024 even when x · 2^e does not).
@inline(__always)
func scaled(_ x: Double, by e: Int) -> Double {
    e == 0 ? x : Double(sign: .plus, exponent: e, significand: x)
}
