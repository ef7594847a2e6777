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
    /// The centre r: the part's own ratio Σa/Σb (0 while Σb is 0).
    private var centre = 0.0
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
        self.numeratorExponent = numeratorExponent
        self.denominatorExponent = denominatorExponent
        var a = CompensatedSum()
        var b = CompensatedSum()
        var nonZero = 0
        for i in 0..<max(count, 0) {
            let (ai, bi) = sample(i)
            if !(counts?(i) ?? (ai != 0 || bi != 0)) { continue }
            nonZero += 1
            a.add(ai)
            b.add(bi)
        }
        self.count = nonZero
        sumA = a
        sumB = b
        centre = b.value == 0 ? 0 : a.value / b.value
        var bb = CompensatedSum()
        var cross = CompensatedSum()
        var squares = CompensatedSum()
        let r = centre
        for i in 0..<max(count, 0) {
            let (ai, bi) = sample(i)
            if !(counts?(i) ?? (ai != 0 || bi != 0)) { continue }
            let e = ai.addingProduct(-r, bi)  // a − r·b, rounded once
            if e != 0 { spread = true }
            bb.add(bi * bi)
            cross.add(bi * e)
            squares.add(e * e)
        }
        sumBB = bb.value
        self.cross = cross.value
        self.squares = squares.value
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
        let total = b.value
        let r = total == 0 ? 0 : a.value / total
        var bb = CompensatedSum()
        var cross = CompensatedSum()
        var squares = CompensatedSum()
        func shift(_ part: RatioMoments) {
            // δ is exact when the centres are within a factor 2 of each other (Sterbenz).
            let delta = r - part.centre
            bb.add(part.sumBB)
            cross.add(part.cross)
            cross.add(-delta * part.sumBB)
            squares.add(part.squares)
            squares.add(-2 * delta * part.cross)
            squares.add(delta * delta * part.sumBB)
        }
        shift(left)
        shift(right)
        let moved = (r != left.centre && left.sumBB != 0) || (r != right.centre && right.sumBB != 0)
        self = left
        spread = left.spread || right.spread || moved
        count = left.count + right.count
        sumA = a
        sumB = b
        centre = r
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
        sumBB = scaled(sumBB, by: 2 * db)
        centre = scaled(centre, by: da - db)
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
    /// finite, or the squares of residuals that were not 0 underflowed to 0.
    public var standardError: Double? {
        let b = sumB.value
        guard count >= 2, b != 0, squares.isFinite, squares != 0 || !spread else { return nil }
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
