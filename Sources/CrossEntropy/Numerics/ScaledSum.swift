/// A compensated sum of products w·x that cannot overflow or underflow on the way, whatever
/// the sizes of w and x (a 1e308 weight times a 1e300 loss, a 5e-324 weight times a 1e-300
/// one).
///
/// Products between 2^-900 and 2^900 are summed as they are (the common case, as fast as a
/// plain compensated sum). From the first product outside that range on, the sum is kept as a
/// value times 2^exponent: each product is formed from the factors' significands (so it never
/// overflows or underflows) and added times 2^(its exponent minus the sum's). Rounding a product
/// of significands is rounding the product (53 bits either way), and powers of two scale
/// exactly, so inside float64's normal range the result is the same bits as a plain compensated
/// sum; only terms below 2^-1074 of the sum are lost.
struct ScaledSum: Sendable {
    private var sum = CompensatedSum()
    /// The sum is `sum.value` · 2^exponent; 0 until a product leaves the plain range.
    private var exponent = 0
    private var isScaled = false
    private var infinite = false

    init() {}

    /// A sum holding one value.
    init(_ x: Double) {
        add(x)
    }

    /// Whether a product can be summed as it is: far from overflow (2^900 leaves room for 2^100
    /// terms) and from the subnormals.
    @inline(__always)
    static func isPlain(_ x: Double) -> Bool {
        let magnitude = abs(x)
        return magnitude >= 0x1p-900 && magnitude <= 0x1p900
    }

    /// Adds x.
    @inline(__always)
    mutating func add(_ x: Double) {
        if !isScaled && Self.isPlain(x) {
            sum.add(x)
        } else if x != 0 {
            addScaled(x, times: 1, and: 1, and: 1, exponent: 0)
        }
    }

    /// Adds w · x (nothing when w is 0).
    @inline(__always)
    mutating func add(_ x: Double, times w: Double) {
        let product = w * x
        if !isScaled && Self.isPlain(product) {
            sum.add(product)
        } else if x != 0 && w != 0 {
            addScaled(x, times: w, and: 1, and: 1, exponent: 0)
        }
    }

    /// Adds ((w · v) · u) · x · 2^extra, rounded as float64 would round that product (without
    /// its overflow or underflow). A weight of 0 adds nothing, even to an infinite x (a sample
    /// with no weight does not count). Terms are expected to be ≥ 0: an infinite one makes the
    /// sum infinite.
    @inline(__always)
    mutating func add(_ x: Double, times w: Double, and v: Double = 1, and u: Double = 1, exponent extra: Int = 0) {
        guard x != 0 && w != 0 && v != 0 && u != 0 else { return }
        if !isScaled && extra == 0 {
            let wv = w * v
            let wvu = wv * u
            let product = wvu * x
            if Self.isPlain(wv) && Self.isPlain(wvu) && Self.isPlain(product) {
                sum.add(product)
                return
            }
        }
        addScaled(x, times: w, and: v, and: u, exponent: extra)
    }

    private mutating func addScaled(_ x: Double, times w: Double, and v: Double, and u: Double, exponent extra: Int) {
        guard x.isFinite && w.isFinite && v.isFinite && u.isFinite else {
            infinite = true
            return
        }
        let e = x.exponent + w.exponent + v.exponent + u.exponent + extra
        let negative = ((x.sign == .minus) != (w.sign == .minus)) != ((v.sign == .minus) != (u.sign == .minus))
        let magnitude = ((w.significand * v.significand) * u.significand) * x.significand
        let product = negative ? -magnitude : magnitude
        if !isScaled {
            // From here on the sum is kept scaled, starting from its own size (terms are ≥ 0,
            // so the sum is at least as large as any term in it).
            isScaled = true
            let current = sum.value
            exponent = current == 0 ? e : current.exponent
            sum.scale(byPowerOfTwo: -exponent)
        }
        if e > exponent {
            // A term larger than the sum so far: what was summed moves down to its scale.
            sum.scale(byPowerOfTwo: exponent - e)
            exponent = e
        }
        sum.add(scaled(product, by: e - exponent))
    }

    /// Adds another sum (of terms on the same footing).
    mutating func add(_ other: ScaledSum) {
        if other.infinite { infinite = true }
        add(other.sum.value, times: 1, exponent: other.exponent)
    }

    /// The sum as s · 2^e (s infinite, e 0 for an infinite sum): a value that may lie beyond
    /// float64, to be weighed again.
    var parts: (significand: Double, exponent: Int) {
        infinite ? (.infinity, 0) : (sum.value, exponent)
    }

    /// The sum (infinite when beyond float64).
    var value: Double {
        infinite ? .infinity : scaled(sum.value, by: exponent)
    }

    /// a / b, without forming either side (0 when a is 0; infinite when only b is).
    static func ratio(_ a: ScaledSum, _ b: ScaledSum) -> Double {
        if a.infinite { return b.infinite ? .nan : .infinity }
        if b.infinite { return 0 }
        let numerator = a.sum.value
        let denominator = b.sum.value
        if numerator == 0 { return 0 }
        if denominator == 0 { return .infinity }
        return scaled(numerator / denominator, by: a.exponent - b.exponent)
    }
}
