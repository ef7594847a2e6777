/// Values divided by the power of two of their largest, and the exponent that scales results
/// back: how weights and losses at float64's corners (5e-324, 1e308, the largest finite value)
/// are summed without overflowing to infinity or losing the small ones.
///
/// After scaling, the largest value is in [1, 2), so a sum of n of them stays below 2n: it can
/// neither overflow nor be rounded away to a subnormal. Dividing and multiplying by a power of
/// two is exact (unless the result leaves float64's normal range), so for ordinary inputs the
/// scaled computation gives the same bits as the unscaled one.
struct PowerOfTwoScale: Sendable {
    /// log2 of the divisor: the exponent of the largest value, 0 when there is none (or it is
    /// 0 or not finite).
    let exponent: Int

    /// The scale of `values`' largest element, finite values only.
    init<S: Sequence>(largestOf values: S) where S.Element == Double {
        var largest = 0.0
        for value in values where value.isFinite && abs(value) > largest { largest = abs(value) }
        exponent = largest > 0 ? largest.exponent : 0
    }

    init(exponent: Int) {
        self.exponent = exponent
    }

    /// No scaling.
    static let one = PowerOfTwoScale(exponent: 0)

    /// x / 2^exponent.
    func down(_ x: Double) -> Double { exponent == 0 ? x : scaled(x, by: -exponent) }

    /// x · 2^exponent: back to the original scale (infinite when that is beyond float64).
    func up(_ x: Double) -> Double { exponent == 0 ? x : scaled(x, by: exponent) }

    /// The scale of a product: 2^(a + b).
    static func * (a: PowerOfTwoScale, b: PowerOfTwoScale) -> PowerOfTwoScale {
        PowerOfTwoScale(exponent: a.exponent + b.exponent)
    }
}

/// x · 2^e, correctly rounded whatever e (a plain multiplication by 2^e would overflow for
/// e ≥ 1024 even when x · 2^e does not).
func scaled(_ x: Double, by e: Int) -> Double {
    Double(sign: .plus, exponent: e, significand: x)
}
