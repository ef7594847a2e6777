/// Probabilities are clipped to [epsilon, 1 - epsilon] before their log is taken, as
/// scikit-learn's log_loss does, so a prediction of exactly 0 or 1 gives a large but finite
/// loss instead of infinity or NaN.
public struct Clipping: Sendable, Hashable {
    /// float64 machine epsilon, scikit-learn's default for float64 input.
    public static let machineEpsilon = 2.220_446_049_250_313e-16

    public let epsilon: Double

    public init(epsilon: Double = Clipping.machineEpsilon) {
        self.epsilon = epsilon
    }

    public func callAsFunction(_ p: Double) -> Double {
        min(max(p, epsilon), 1 - epsilon)
    }
}
