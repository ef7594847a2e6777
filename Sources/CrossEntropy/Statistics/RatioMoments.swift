/// A mergeable accumulator for a ratio of sums R = Σ aᵢ / Σ bᵢ and the standard error of R:
/// every loss the service reports is such a ratio (aᵢ what sample i adds to the numerator, bᵢ to
/// the denominator), and parts of a set (chunks, requests, streamed batches) merge into the
/// moments of the whole, whatever the split.
///
/// The standard error is the delta-method (linearisation) estimate of a ratio estimator,
/// SE = sqrt(n/(n−1) · Σ (aᵢ − R·bᵢ)²) / Σ bᵢ, with n the samples where aᵢ or bᵢ is not 0: Cochran,
/// *Sampling Techniques* (3rd ed., 1977), §6.4 (the variance of a ratio estimate), as Gatz &
/// Smith recommend it for a weighted mean ("The standard error of a weighted mean
/// concentration", Atmospheric Environment 29, 1995): their centred form
/// Σ((aᵢ − ā) − R(bᵢ − b̄))² equals Σ(aᵢ − R·bᵢ)² because Σ(aᵢ − R·bᵢ) = 0. With every bᵢ = 1 it
/// is the sample standard deviation over √n (`scipy.stats.sem`).
///
/// Σ a² − 2RΣab + R²Σb² is never formed (it cancels, and can go negative). Each part keeps its
/// moments centred on its own ratio r (Σa, Σb, Σb², M = Σ b(a − r·b), S = Σ(a − r·b)², computed
/// in two passes with fused multiply-adds and compensated sums), and moving a part to another
/// centre R is exact algebra: with δ = R − r, Σ(a − R·b)² = S − 2δM + δ²Σb² and
/// Σ b(a − R·b) = M − δΣb². This is the pairwise update of Chan, Golub & LeVeque, "Algorithms for
/// computing the sample variance" (1979), generalised from the mean (bᵢ = 1, where M = 0) to the
/// ratio.
///
/// Values are held as significands times powers of two (`numeratorExponent`,
/// `denominatorExponent`), so weights of 1e-300 or 1e308 can be divided by a power of two first
/// and neither underflow the squares nor overflow the sums; parts with different exponents
/// merge exactly (the smaller is moved to the larger's scale).
/// One sample's terms for `RatioMoments`: aᵢ = a + aLow and bᵢ = b + bLow as unevaluated sums,
/// the low parts the rounding errors of the products that made a and b (by fused multiply-add),
/// so that the residuals aᵢ − R·bᵢ of the heaviest samples, which cancel, are formed from the
/// exact products.
public struct RatioTerm: Sendable {
    /// What the sample adds to the numerator, rounded (Σ a is the reported numerator).
    public var a: Double
    /// What rounding `a` dropped: for a = x·y, `(-a).addingProduct(x, y)`; 0 when a is exact.
    public var aLow: Double
    /// What the sample adds to the denominator, rounded.
    public var b: Double
    /// What rounding `b` dropped (0 when b is a weight or a constant as given).
    public var bLow: Double

    /// A sample's terms; leave the low parts 0 when a and b are exact.
    public init(a: Double, aLow: Double = 0, b: Double, bLow: Double = 0) {
        (self.a, self.aLow, self.b, self.bLow) = (a, aLow, b, bLow)
    }
}

public struct RatioMoments: Sendable {
    /// Samples with aᵢ ≠ 0 or bᵢ ≠ 0.
    public private(set) var count: Int = 0
    /// True sums are these times 2^numeratorExponent (a) or 2^denominatorExponent (b).
    public private(set) var numeratorExponent: Int = 0
    public private(set) var denominatorExponent: Int = 0
    // Σa and Σb keep their compensation, so that any split merges to the same ratio R (to
    // which the standard error of weighted data can be sensitive, 1e-9 per ulp of R).
    private var sumA = CompensatedSum()
    private var sumB = CompensatedSum()
    private var sumBB = 0.0
    /// Σ aLow and Σ bLow: the products' rounding errors, for the centre only (the reported
    /// sums and ratio are those of a and b as rounded).
    private var lowA = CompensatedSum()
    private var lowB = CompensatedSum()
    /// The centre r: the part's own ratio Σa/Σb (0 while Σb is 0), and what it misses of the
    /// exact ratio of the unevaluated sums (r + centreLow is R to about 2^-104).
    private var centre = 0.0
    private var centreLow = 0.0
    /// Σ b(a − r·b).
    private var cross = 0.0
    /// Whether some residual aᵢ − r·bᵢ (or a part's distance to the merged centre) was not 0:
    /// squares that sum to 0 then underflowed (weights spanning past float64's range), and
    /// the standard error is unknown rather than 0.
    private var spread = false
    /// Σ (a − r·b)².
    private var squares = 0.0

    /// An empty accumulator.
    public init() {}

    /// The moments of `count` samples, aᵢ·2^numeratorExponent and bᵢ·2^denominatorExponent with
    /// (aᵢ, bᵢ) = `sample(i)`: two passes (the sums, then the moments around their ratio), so
    /// `sample` is called twice per index and must return the same values. A sample counts
    /// (in n) when `counts(i)`, by default when its aᵢ or bᵢ is not 0; give `counts` when the
    /// terms were scaled, since a term below float64's normal range can scale to 0 although the
    /// sample weighs something.
    public init(
        count: Int,
        numeratorExponent: Int = 0,
        denominatorExponent: Int = 0,
        counts: ((Int) -> Bool)? = nil,
        _ sample: (Int) -> (a: Double, b: Double)
    ) {
        self.init(
            count: count, numeratorExponent: numeratorExponent, denominatorExponent: denominatorExponent,
            counts: counts,
            terms: { i in
                let (a, b) = sample(i)
                return RatioTerm(a: a, b: b)
            })
    }

    /// The moments of `count` samples whose terms carry their products' rounding errors
    /// (`RatioTerm`); otherwise as `init(count:numeratorExponent:denominatorExponent:counts:_:)`.
    public init(
        count: Int,
        numeratorExponent: Int = 0,
        denominatorExponent: Int = 0,
        counts: ((Int) -> Bool)? = nil,
        terms term: (Int) -> RatioTerm
    ) {
        self.numeratorExponent = numeratorExponent
        self.denominatorExponent = denominatorExponent
        var a = CompensatedSum()
        var b = CompensatedSum()
        var nonZero = 0
        for i in 0..<max(count, 0) {
            let t = term(i)
            if !(counts?(i) ?? (t.a != 0 || t.b != 0)) { continue }
            nonZero += 1
            a.add(t.a)
            b.add(t.b)
            lowA.add(t.aLow)
            lowB.add(t.bLow)
        }
        self.count = nonZero
        sumA = a
        sumB = b
        (centre, centreLow) = Self.ratio(a, lowA, b, lowB)
        var bb = CompensatedSum()
        var cross = CompensatedSum()
        var squares = CompensatedSum()
        let (r, rLow) = (centre, centreLow)
        for i in 0..<max(count, 0) {
            let t = term(i)
            if !(counts?(i) ?? (t.a != 0 || t.b != 0)) { continue }
            // A sample that weighs something but whose terms scaled to 0 (below float64's
            // range beside the heaviest) has a residual nobody knows: squares of 0 are then
            // unknown, not certain (two samples weighted 1e-300 and 1e300).
            if t.a == 0 && t.b == 0 { spread = true }
            // aᵢ − R·bᵢ from the unevaluated sums: the fused product cancels exactly where the
            // heaviest samples make a ≈ r·b, and the low parts add what the roundings dropped.
            let e = t.a.addingProduct(-r, t.b) + (t.aLow - r * t.bLow - rLow * t.b)
            if e != 0 { spread = true }
            bb.add(t.b * t.b)
            cross.add(t.b * e)
            squares.add(e * e)
        }
        sumBB = bb.value
        self.cross = cross.value
        self.squares = squares.value
    }

    /// (A + aLow) / (B + bLow) as r + rLow: r the rounded ratio of the sums, rLow what it misses
    /// (0 while B is 0 or r is not finite).
    private static func ratio(
        _ a: CompensatedSum, _ aLow: CompensatedSum, _ b: CompensatedSum, _ bLow: CompensatedSum
    ) -> (Double, Double) {
        let total = b.value
        guard total != 0 else { return (0, 0) }
        let r = a.value / total
        guard r.isFinite else { return (r, 0) }
        let (aHigh, aRest) = a.parts
        let (bHigh, bRest) = b.parts
        let rest = aHigh.addingProduct(-r, bHigh) + (aRest + aLow.value) - r * (bRest + bLow.value)
        let low = rest / total
        return (r, low.isFinite ? low : 0)
    }

    /// Adds the samples of another part (any split of a set merges into the whole's moments).
    public mutating func merge(_ other: RatioMoments) {
        guard other.count > 0 else { return }
        guard count > 0 else {
            self = other
            return
        }
        var left = self
        var right = other
        let ea = max(left.numeratorExponent, right.numeratorExponent)
        let eb = max(left.denominatorExponent, right.denominatorExponent)
        left.rescale(numeratorExponent: ea, denominatorExponent: eb)
        right.rescale(numeratorExponent: ea, denominatorExponent: eb)
        var a = left.sumA
        a.add(right.sumA)
        var b = left.sumB
        b.add(right.sumB)
        var aLow = left.lowA
        aLow.add(right.lowA)
        var bLow = left.lowB
        bLow.add(right.lowB)
        let (r, rLow) = Self.ratio(a, aLow, b, bLow)
        var bb = CompensatedSum()
        var cross = CompensatedSum()
        var squares = CompensatedSum()
        func shift(_ part: RatioMoments) {
            // r − centre is exact when the centres are within a factor 2 of each other
            // (Sterbenz); the low parts' difference adds what the roundings of both dropped.
            let delta = (r - part.centre) + (rLow - part.centreLow)
            bb.add(part.sumBB)
            cross.add(part.cross)
            cross.add(-delta * part.sumBB)
            squares.add(part.squares)
            squares.add(-2 * delta * part.cross)
            squares.add(delta * delta * part.sumBB)
        }
        shift(left)
        shift(right)
        let moved =
            ((r, rLow) != (left.centre, left.centreLow) && left.sumBB != 0)
            || ((r, rLow) != (right.centre, right.centreLow) && right.sumBB != 0)
        self = left
        spread = left.spread || right.spread || moved
        count = left.count + right.count
        sumA = a
        sumB = b
        lowA = aLow
        lowB = bLow
        centre = r
        centreLow = rLow
        sumBB = bb.value
        self.cross = cross.value
        self.squares = max(squares.value, 0)
    }

    /// These moments with the sums moved to larger exponents (exact unless a sum falls below
    /// float64's normal range, where it is negligible beside the other part).
    private mutating func rescale(numeratorExponent ea: Int, denominatorExponent eb: Int) {
        let da = numeratorExponent - ea
        let db = denominatorExponent - eb
        guard da != 0 || db != 0 else { return }
        sumA.scale(byPowerOfTwo: da)
        sumB.scale(byPowerOfTwo: db)
        lowA.scale(byPowerOfTwo: da)
        lowB.scale(byPowerOfTwo: db)
        sumBB = scaled(sumBB, by: 2 * db)
        centre = scaled(centre, by: da - db)
        centreLow = scaled(centreLow, by: da - db)
        cross = scaled(cross, by: da + db)
        squares = scaled(squares, by: 2 * da)
        numeratorExponent = ea
        denominatorExponent = eb
    }

    /// Σ aᵢ (infinite beyond float64).
    public var numerator: Double { scaled(sumA.value, by: numeratorExponent) }

    /// Σ bᵢ (infinite beyond float64).
    public var denominator: Double { scaled(sumB.value, by: denominatorExponent) }

    /// Σ aᵢ / Σ bᵢ (nil when Σ bᵢ is 0).
    public var ratio: Double? {
        let b = sumB.value
        return b == 0 ? nil : scaled(sumA.value / b, by: numeratorExponent - denominatorExponent)
    }

    /// sqrt(n/(n−1) · Σ (aᵢ − R·bᵢ)²) / Σ bᵢ; nil when n < 2, Σ bᵢ is 0, the result is not
    /// finite, or the residuals are below what float64 resolves beside the heaviest samples
    /// (their squares underflowed, or sit under the centre's precision).
    public var standardError: Double? {
        let b = sumB.value
        guard count >= 2, b != 0, squares.isFinite, squares != 0 || !spread else { return nil }
        // The residuals are known to about 2^-104 of r·bᵢ (the centre's precision): squares
        // below what that resolves (weights spanning past about 1e30) are rounding, not spread.
        guard squares == 0 || squares >= 0x1p-160 * centre * centre * sumBB else { return nil }
        let n = Double(count)
        let root = (n / (n - 1) * squares).squareRoot()
        let error = scaled(root / b, by: numeratorExponent - denominatorExponent)
        return error.isFinite ? error : nil
    }

    /// `centre ± critical · standardError`, the centre the reported ratio and critical
    /// t(1 − (1 − c)/2, n − 1) (`StudentT.quantile`, computed once per request): nil where the
    /// standard error is, or where an end is not finite.
    public func interval(around centre: Double, critical: Double) -> (low: Double, high: Double)? {
        guard let error = standardError else { return nil }
        let half = critical * error
        let interval = (centre - half, centre + half)
        return interval.0.isFinite && interval.1.isFinite ? interval : nil
    }
}
