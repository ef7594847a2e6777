#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The regularized incomplete beta function I_x(a, b) = B(x; a, b) / B(a, b) and its inverse in
/// x, for the Student t distribution (confidence intervals, p-values).
///
/// I_x is evaluated by the continued fraction of Abramowitz & Stegun 26.5.8, with the modified
/// Lentz algorithm (Press et al., *Numerical Recipes*, 3rd ed., §6.4, `betacf`), on whichever of
/// I_x(a, b) and I_{1−x}(b, a) = 1 − I_x(a, b) converges fast, and in log space: the prefactor
/// x^a (1−x)^b / (a B(a, b)) is kept as a logarithm, so tails far below float64's range
/// (p-values of 1e-300 and less) keep their digits. x and y = 1 − x are taken separately so that
/// neither loses digits to the other. log B(a, b) for large arguments uses Stirling's series for
/// the correction of log Γ (as R's `lbeta`), so B(500000, 1/2) does not cancel to 1e-6.
public enum IncompleteBeta {
    /// I_x(a, b) for a, b > 0 and x in [0, 1] (NaN outside).
    public static func regularized(_ x: Double, a: Double, b: Double) -> Double {
        guard a > 0, b > 0, x >= 0, x <= 1 else { return .nan }
        if x == 0 { return 0 }
        if x == 1 { return 1 }
        return exp(logRegularized(a: a, b: b, x: x, y: 1 - x, logX: naturalLog(x), logY: log1p(-x)))
    }

    /// log I_x(a, b), with y = 1 − x and both logarithms given by the caller (each exact where it
    /// can be: for the t distribution x and y are ν/(ν+t²) and t²/(ν+t²)).
    static func logRegularized(a: Double, b: Double, x: Double, y: Double, logX: Double, logY: Double) -> Double {
        if y == 0 { return 0 }
        if x == 0 { return -.infinity }
        // The fraction for I_x is the fast one below (a+1)/(a+b+2), but for a large a and a small
        // b its terms cancel near x = 1 (1e-12 lost at a = 5e4): while a·y is small the fraction
        // for I_y(b, a) converges in a few steps without cancelling, and is taken instead.
        let direct: Bool
        if a >= 100 && b <= 1 && a * y <= 5 {
            direct = false
        } else if b >= 100 && a <= 1 && b * x <= 5 {
            direct = true
        } else {
            direct = x < (a + 1) / (a + b + 2)
        }
        if direct {
            return logPrefactor(a: a, b: b, logX: logX, logY: logY)
                + naturalLog(continuedFraction(a: a, b: b, x: x) / a)
        }
        let complement = exp(logPrefactor(a: b, b: a, logX: logY, logY: logX)) * continuedFraction(a: b, b: a, x: y) / b
        return log1p(-min(complement, 1))
    }

    /// The x in [0, 1] where I_x(a, b) = p, with y = 1 − x, given p and q = 1 − p (both, so that
    /// neither is rounded from the other). The starting point is Numerical Recipes' (§6.14,
    /// `invbetai`: Abramowitz & Stegun 26.5.22 for a, b ≥ 1, a power-law tail otherwise), refined
    /// by Halley's method on the side (x or y) below 1/2, inside a bracket that bisection keeps
    /// when a step would leave it.
    public static func inverse(p: Double, q: Double, a: Double, b: Double) -> (x: Double, y: Double) {
        guard a > 0, b > 0, p >= 0, q >= 0, p <= 1, q <= 1 else { return (.nan, .nan) }
        if p == 0 { return (0, 1) }
        if q == 0 { return (1, 0) }
        // Solve for whichever of x and y is below 1/2: I_{1/2}(a, b) decides which.
        let ln2 = naturalLog(2.0)
        let atHalf = exp(logRegularized(a: a, b: b, x: 0.5, y: 0.5, logX: -ln2, logY: -ln2))
        if p > atHalf {
            let (y, x) = solveLowerHalf(p: q, a: b, b: a)
            return (x, y)
        }
        return solveLowerHalf(p: p, a: a, b: b)
    }

    /// x ≤ 1/2 with I_x(a, b) = p (and y = 1 − x).
    private static func solveLowerHalf(p: Double, a: Double, b: Double) -> (x: Double, y: Double) {
        let logP = naturalLog(p)
        var x = startingPoint(p: p, a: a, b: b)
        var low = 0.0
        var high = 0.5
        if !(x > low && x < high) { x = 0.25 }
        let logBeta = logBetaFunction(a, b)
        for _ in 0..<100 {
            let y = 1 - x
            let logX = naturalLog(x)
            let logY = log1p(-x)
            let logI = logRegularized(a: a, b: b, x: x, y: y, logX: logX, logY: logY)
            if logI == logP { break }
            if logI < logP { low = x } else { high = x }
            // Newton on log I_x: f = log I − log p, f' = density / I; Halley's correction uses
            // the density's own log-derivative (a−1)/x − (b−1)/y minus f'.
            let logDensity = (a - 1) * logX + (b - 1) * logY - logBeta
            let slope = exp(logDensity - logI)  // f'
            let f = logI - logP
            let u = f / slope
            let curvature = (a - 1) / x - (b - 1) / y - slope
            let step = u / (1 - 0.5 * min(1, max(-1, u * curvature)))
            var next = x - step
            if !(next > low && next < high) || !next.isFinite { next = 0.5 * (low + high) }
            if abs(next - x) <= 2 * Double.ulpOfOne * x || high - low <= 2 * Double.ulpOfOne * x {
                x = next
                break
            }
            x = next
        }
        return (x, 1 - x)
    }

    /// Numerical Recipes' first guess for the inverse.
    private static func startingPoint(p: Double, a: Double, b: Double) -> Double {
        if a >= 1 && b >= 1 {
            let pp = p < 0.5 ? p : 1 - p
            let t = (-2 * naturalLog(pp)).squareRoot()
            var x = (2.30753 + t * 0.27061) / (1 + t * (0.99229 + t * 0.04481)) - t
            if p < 0.5 { x = -x }
            let al = (x * x - 3) / 6
            let h = 2 / (1 / (2 * a - 1) + 1 / (2 * b - 1))
            let w = x * (al + h).squareRoot() / h - (1 / (2 * b - 1) - 1 / (2 * a - 1)) * (al + 5.0 / 6 - 2 / (3 * h))
            return a / (a + b * exp(2 * w))
        }
        let lna = naturalLog(a / (a + b))
        let lnb = naturalLog(b / (a + b))
        let t = exp(a * lna) / a
        let u = exp(b * lnb) / b
        let w = t + u
        return p < t / w ? pow(a * w * p, 1 / a) : 1 - pow(b * w * (1 - p), 1 / b)
    }

    /// log(x^a y^b / B(a, b)).
    private static func logPrefactor(a: Double, b: Double, logX: Double, logY: Double) -> Double {
        a * logX + b * logY - logBetaFunction(a, b)
    }

    /// The continued fraction of I_x(a, b) · a B(a, b) / (x^a y^b), by modified Lentz; it
    /// converges fast for x < (a+1)/(a+b+2). Bounded: at most 10,000 steps.
    private static func continuedFraction(a: Double, b: Double, x: Double) -> Double {
        let tiny = 1e-300
        let qab = a + b
        let qap = a + 1
        let qam = a - 1
        var c = 1.0
        var d = 1 - qab * x / qap
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...10_000 {
            let m = Double(m)
            let m2 = 2 * m
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) <= Double.ulpOfOne { break }
        }
        return h
    }
}

/// log B(a, b) = log Γ(a) + log Γ(b) − log Γ(a+b), without the cancellation of the three terms
/// when an argument is large (R's `lbeta`, with Stirling's series for the corrections).
func logBetaFunction(_ x: Double, _ y: Double) -> Double {
    let p = min(x, y)
    let q = max(x, y)
    if p >= 10 {
        let correction = stirlingCorrection(p) + stirlingCorrection(q) - stirlingCorrection(p + q)
        return -0.5 * naturalLog(q) + 0.5 * naturalLog(2 * Double.pi) + correction + (p - 0.5) * naturalLog(p / (p + q))
            + q * log1p(-p / (p + q))
    }
    if q >= 10 {
        let correction = stirlingCorrection(q) - stirlingCorrection(p + q)
        return logGamma(p) + correction + p - p * naturalLog(p + q) + (q - 0.5) * log1p(-p / (p + q))
    }
    return logGamma(p) + logGamma(q) - logGamma(p + q)
}

/// log Γ(x) for x > 0 (the reentrant form: `lgamma` writes a global).
func logGamma(_ x: Double) -> Double {
    var sign: Int32 = 0
    return lgamma_r(x, &sign)
}

/// log Γ(x) − ((x − 1/2) log x − x + log √(2π)) for x ≥ 10, by Stirling's series (the next term
/// is below 3e-17 at x = 10).
private func stirlingCorrection(_ x: Double) -> Double {
    let inverse = 1 / x
    let inverseSquared = inverse * inverse
    let series =
        1.0 / 12
        + inverseSquared
        * (-1.0 / 360
            + inverseSquared
            * (1.0 / 1260
                + inverseSquared
                * (-1.0 / 1680 + inverseSquared
                    * (1.0 / 1188 + inverseSquared * (-691.0 / 360360 + inverseSquared / 156)))))
    return series * inverse
}
