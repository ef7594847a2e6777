#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Logarithms of softmax and sigmoid outputs computed from logits without forming the
/// probabilities, so extreme logits (±1e307) give exact finite results instead of log(0).
public enum StableLog {
    /// softplus(x) = log(1 + e^x) = max(x, 0) + log1p(e^-|x|).
    public static func softplus(_ x: Double) -> Double {
        max(x, 0) + log1p(exp(-abs(x)))
    }

    /// log(sigmoid(x)) = -softplus(-x).
    public static func logSigmoid(_ x: Double) -> Double { -softplus(-x) }

    /// log(1 - sigmoid(x)) = -softplus(x).
    public static func logOneMinusSigmoid(_ x: Double) -> Double { -softplus(x) }

    /// The two parts of log-softmax for one row: log softmax(z)_j = (z_j - max) - logSumExp.
    public struct SoftmaxNormalizer: Sendable {
        public let max: Double
        public let logSumExp: Double

        public func logProbability(_ z: Double) -> Double { (z - max) - logSumExp }

        /// log softmax(z)_j as s · 2^e, the same bits as `logProbability` where that is finite,
        /// and finite where it is not: z − max overflows when logits lie near both ends of
        /// float64 (-1.7e308 beside 1.7e308), though its value in bits or hartleys may fit.
        /// Halving is exact at these sizes, so the halved difference rounds as the whole would.
        func scaledLogProbability(_ z: Double) -> (significand: Double, exponent: Int) {
            let difference = z - max
            if difference.isFinite || !z.isFinite || !max.isFinite { return (difference - logSumExp, 0) }
            return ((z / 2 - max / 2) - logSumExp / 2, 1)
        }
    }

    public static func softmaxNormalizer(_ row: UnsafeBufferPointer<Double>) -> SoftmaxNormalizer {
        var largest = -Double.infinity
        for z in row where z > largest { largest = z }
        var total = CompensatedSum()
        for z in row { total.add(exp(z - largest)) }
        return SoftmaxNormalizer(max: largest, logSumExp: log(total.value))
    }
}
