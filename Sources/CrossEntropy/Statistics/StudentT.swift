#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Student's t distribution with ν > 0 degrees of freedom, through the regularized incomplete
/// beta function: P(|T| ≥ t) = I_x(ν/2, 1/2) with x = ν/(ν + t²) (Abramowitz & Stegun 26.7.1).
/// Tails are computed in log space, so p-values down to 1e-300 (and their logarithms beyond)
/// keep their relative accuracy. Against scipy (Boost): 1e-12 relative up to ν = 10^6; beyond,
/// at |t| > 3 the continued fraction's terms cancel and 1e-11 is left (where t is within 1e-6 of
/// the normal's). Every function answers NaN for ν ≤ 0 or NaN arguments. Nothing is cached.
public enum StudentT {
    /// P(|T| ≥ |t|): the two-sided p-value of t.
    public static func twoSidedPValue(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        exp(logTwoSidedPValue(t, degreesOfFreedom: nu))
    }

    /// log P(|T| ≥ |t|), finite far beyond float64's smallest p-value.
    public static func logTwoSidedPValue(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        guard nu > 0, !t.isNaN else { return .nan }
        let t = abs(t)
        if t == 0 { return 0 }
        if t.isInfinite { return -.infinity }
        // x = ν/(ν+t²) and y = t²/(ν+t²), each formed without 1 − the other; t² may overflow.
        let ratio = (t / nu.squareRoot()) * (t / nu.squareRoot())  // t²/ν
        let x: Double
        let y: Double
        let logX: Double
        let logY: Double
        if ratio.isInfinite {
            x = 0
            y = 1
            logX = naturalLog(nu) - 2 * naturalLog(t)
            logY = 0
        } else if ratio < 1 {
            // The smaller of x and y is rounded once and the other is exactly 1 minus it: the
            // continued fraction is ill-conditioned in x near 1 (for large ν), and only the pair
            // it shares with the prefactor's logarithms cancels that.
            y = ratio / (1 + ratio)
            x = 1 - y
            logX = log1p(-y)
            logY = naturalLog(y)
        } else {
            x = 1 / (1 + ratio)
            y = 1 - x
            logX = naturalLog(x)
            logY = log1p(-x)
        }
        if x == 0 {
            // Only the prefactor of the continued fraction matters (its value tends to 1).
            let a = nu / 2
            return a * logX - logBetaFunction(a, 0.5) - naturalLog(a)
        }
        return IncompleteBeta.logRegularized(a: nu / 2, b: 0.5, x: x, y: y, logX: logX, logY: logY)
    }

    /// P(T > t), the upper tail (survival function).
    public static func survival(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        let half = 0.5 * twoSidedPValue(t, degreesOfFreedom: nu)
        return t >= 0 ? half : 1 - half
    }

    /// P(T ≤ t), the distribution function.
    public static func distribution(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        survival(-t, degreesOfFreedom: nu)
    }

    /// The t with P(|T| ≤ t) = confidence: t(1 − (1 − c)/2, ν), the half-width of a two-sided
    /// interval in standard errors. 0 < confidence < 1.
    public static func twoSidedCritical(confidence: Double, degreesOfFreedom nu: Double) -> Double {
        guard confidence > 0, confidence < 1 else { return .nan }
        // The quantile at p = 1 − (1 − c)/2 as float64 rounds it, as scipy's t.interval does;
        // when that rounds to 1 (c within 2⁻⁵³ of 1), from the two-sided tail 1 − c itself.
        let p = 1 - (1 - confidence) / 2
        if p < 1 { return quantile(p, degreesOfFreedom: nu) }
        return upperQuantile(twoSidedTail: 1 - confidence, degreesOfFreedom: nu)
    }

    /// The t > 0 with P(|T| > t) = tail, 0 < tail < 1.
    private static func upperQuantile(twoSidedTail tail: Double, degreesOfFreedom nu: Double) -> Double {
        let (x, y) = IncompleteBeta.inverse(p: tail, q: 1 - tail, a: nu / 2, b: 0.5)
        return (nu * (y / x)).squareRoot()
    }

    /// The p-quantile: the t with P(T ≤ t) = p, 0 < p < 1.
    public static func quantile(_ p: Double, degreesOfFreedom nu: Double) -> Double {
        guard nu > 0, p > 0, p < 1 else { return .nan }
        if p == 0.5 { return 0 }
        // Two-sided tail mass 2·min(p, 1 − p); exact for p ≥ 1/2 (Sterbenz), and for p < 1/2.
        let t = upperQuantile(twoSidedTail: p < 0.5 ? 2 * p : 2 * (1 - p), degreesOfFreedom: nu)
        return p < 0.5 ? -t : t
    }
}
