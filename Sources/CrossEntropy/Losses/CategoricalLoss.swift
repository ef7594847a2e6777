/// The result of categorical cross-entropy over n samples, in the requested base.
public struct CategoricalLoss: Sendable, Equatable {
    /// L_i = -Σ_j w_j y_ij log(p_ij) for each sample (before sample weights).
    public let losses: [Double]
    /// Σ_i s_i L_i (Σ_i L_i without sample weights).
    public let sum: Double
    /// Σ_i s_i L_i / Σ_i s_i: the document's -(1/n) Σ Σ y log p without weights.
    public let mean: Double
}

/// The result of binary cross-entropy over n samples of C independent classes.
public struct BinaryLoss: Sendable, Equatable {
    /// L_i = -Σ_j [y log p + (1-y) log(1-p)]: summed over classes, as the document does.
    public let losses: [Double]
    /// For each class, the (sample-weighted) mean over samples of its term; these add up to `mean`.
    public let classLosses: [Double]
    /// Σ_i s_i L_i.
    public let sum: Double
    /// Σ_i s_i L_i / Σ_i s_i.
    public let mean: Double
    /// mean / C: the "mean" reduction of PyTorch and Keras.
    public let meanPerElement: Double
}

/// Turns -0.0 (from negating a zero sum) into 0.0 so it never reaches a response as "-0.0".
func positiveZero(_ x: Double) -> Double { x == 0 ? 0 : x }
