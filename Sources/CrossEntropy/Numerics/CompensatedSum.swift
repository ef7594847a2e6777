/// Neumaier's compensated summation: the running error of each addition is kept and added
/// back at the end, so sums over many samples or classes stay correct to about one rounding
/// (plain left-to-right summation loses up to n roundings). Summing values of one sign, the
/// result is infinite only when the exact sum overflows, never NaN.
public struct CompensatedSum: Sendable {
    private var sum = 0.0
    private var compensation = 0.0

    public init() {}

    /// The sum; infinite once a term or the running sum is (the compensation of an infinite
    /// sum is NaN, and must not turn an overflow into NaN).
    public var value: Double { sum.isFinite ? sum + compensation : sum }

    public mutating func add(_ x: Double) {
        let t = sum + x
        if abs(sum) >= abs(x) {
            compensation += (sum - t) + x
        } else {
            compensation += (x - t) + sum
        }
        sum = t
    }

    /// Adds another compensated sum, its compensation included (two parts merge into the sum
    /// of the whole, to about one rounding).
    mutating func add(_ other: CompensatedSum) {
        add(other.sum)
        add(other.compensation)
    }

    /// The sum and its compensation as an unevaluated pair (their exact sum is the sum to
    /// about two roundings' worth of float64).
    var parts: (high: Double, low: Double) { (sum, compensation) }

    /// Multiplies the sum by 2^k (exact unless it leaves float64's normal range).
    mutating func scale(byPowerOfTwo k: Int) {
        sum = scaled(sum, by: k)
        compensation = scaled(compensation, by: k)
    }

    public static func of<S: Sequence>(_ values: S) -> Double where S.Element == Double {
        var total = CompensatedSum()
        for x in values { total.add(x) }
        return total.value
    }
}
