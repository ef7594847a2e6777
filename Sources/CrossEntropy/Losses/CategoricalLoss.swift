/// The result of categorical cross-entropy over n samples, in the requested base.
public struct CategoricalLoss: Sendable, Equatable {
    /// L_i = -Σ_j w_j y_ij log(p_ij) for each sample (before sample weights).
    public let losses: [Double]
    /// Σ_i s_i L_i (Σ_i L_i without sample weights): every convention's "sum" reduction.
    public let sum: Double
    /// The convention's reported loss: Σ_i s_i L_i / Σ_i s_i for the document and
    /// scikit-learn, / n for Keras, / Σ_i w_{y_i} for PyTorch with class weights.
    public let mean: Double
    /// Σ_i s_i L_i / Σ_i s_i whatever the convention: the document's reduction.
    public let weightedMean: Double
}

/// The result of binary cross-entropy over n samples of C independent classes.
public struct BinaryLoss: Sendable, Equatable {
    /// Per sample: Σ_j of the element losses (the document's BCE_i), or their mean over the
    /// class axis for Keras.
    public let losses: [Double]
    /// For each class, the (sample-weighted) mean over samples of its element loss.
    public let classLosses: [Double]
    /// Σ_i s_i L_i.
    public let sum: Double
    /// The convention's reported loss: Σ_i s_i L_i / Σ_i s_i for the document and scikit-learn,
    /// the mean over all n·C elements for PyTorch, Σ_i s_i L_i / n for Keras.
    public let mean: Double
    /// The (sample-weighted) mean over samples of the element losses summed over classes.
    public let weightedMean: Double
    /// weightedMean / C: the mean over all elements.
    public let meanPerElement: Double
}

/// Turns -0.0 (from negating a zero sum) into 0.0 so it never reaches a response as "-0.0".
func positiveZero(_ x: Double) -> Double { x == 0 ? 0 : x }
