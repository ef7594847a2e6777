/// A compensated sum of products w·x that cannot overflow or underflow on the way, whatever
/// the sizes of w and x (a 1e308 weight times a 1e300 loss, a 5e-324 weight times a 1e-300
/// one): each product is added as the product of the significands times 2^(its exponent minus
/// the largest exponent so far), and the power of two is applied once, at the end.
///
/// Rounding a product of significands is rounding the product (53 bits either way), and powers
/// of two scale exactly, so inside float64's normal range the result is the same bits as a plain
/// compensated sum of the products; only terms below 2^-1074 of the largest are lost.
struct ScaledSum: Sendable {
    private var sum = CompensatedSum()
    /// The exponent of the largest product so far; nil while the sum is 0.
    private var exponent: Int?
    private var infinite = false

    init() {}

    /// A sum holding one value.
    init(_ x: Double) {
        add(x)
    }

    /// Adds ((w · v) · u) · x · 2^extra, rounded as float64 would round that product (without
    /// its overflow or underflow). A weight of 0 adds nothing, even to an infinite x (a sample
    /// with no weight does not count). Terms are expected to be ≥ 0: an infinite one makes the
    /// sum infinite.
    mutating func add(_ x: Double, times w: Double = 1, and v: Double = 1, and u: Double = 1, exponent extra: Int = 0) {
        guard x != 0 && w != 0 && v != 0 && u != 0 else { return }
        guard x.isFinite && w.isFinite && v.isFinite && u.isFinite else {
            infinite = true
            return
        }
        let e = x.exponent + w.exponent + v.exponent + u.exponent + extra
        let negative = ((x.sign == .minus) != (w.sign == .minus)) != ((v.sign == .minus) != (u.sign == .minus))
        let magnitude = ((w.significand * v.significand) * u.significand) * x.significand
        let product = negative ? -magnitude : magnitude
        if let current = exponent, current >= e {
            sum.add(scaled(product, by: e - current))
        } else {
            // A new largest term: what was summed so far moves down to its scale.
            if let current = exponent { sum.scale(byPowerOfTwo: current - e) }
            exponent = e
            sum.add(product)
        }
    }

    /// Adds another sum (of terms on the same footing).
    mutating func add(_ other: ScaledSum) {
        if other.infinite { infinite = true }
        guard let e = other.exponent else { return }
        add(other.sum.value, exponent: e)
    }

    /// The sum as s · 2^e (s infinite, e 0 for an infinite sum): a value that may lie beyond
    /// float64, to be weighed again.
    var parts: (significand: Double, exponent: Int) {
        if infinite { return (.infinity, 0) }
        guard let exponent else { return (0, 0) }
        return (sum.value, exponent)
    }

    /// The sum (infinite when beyond float64).
    var value: Double {
        if infinite { return .infinity }
        guard let exponent else { return 0 }
        return scaled(sum.value, by: exponent)
    }

    /// a / b, without forming either side (0 when a is 0; infinite when only b is).
    static func ratio(_ a: ScaledSum, _ b: ScaledSum) -> Double {
        if a.infinite { return b.infinite ? .nan : .infinity }
        if b.infinite { return 0 }
        guard let ea = a.exponent else { return 0 }
        guard let eb = b.exponent else { return .infinity }
        return scaled(a.sum.value / b.sum.value, by: ea - eb)
    }
}
