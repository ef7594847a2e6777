/// Whose definition of cross-entropy a loss reproduces. The document's is the default; the
/// others give, to about 1e-12 relative, the number the library prints for the same inputs in
/// float64. A convention only sets defaults and the library's own rounding-relevant details
/// (which clip, which log, which divisor); options such as the base may still be overridden.
public enum Convention: String, Sendable, Hashable, CaseIterable {
    /// The service document: bits, float64-epsilon clipping, (sample-weighted) mean over
    /// samples; BCE sums over classes.
    case document
    /// scikit-learn's `log_loss`: like the document, in nats.
    case sklearn
    /// PyTorch's `cross_entropy` (logits), `binary_cross_entropy` (no clipping, each log
    /// clamped at -100) and `binary_cross_entropy_with_logits`, reduction "mean".
    case pytorch
    /// Keras 3's `CategoricalCrossentropy` (rows renormalised, clip 1e-7),
    /// `SparseCategoricalCrossentropy` and `BinaryCrossentropy` (clip 1e-7, mean over the class
    /// axis), reduction "sum_over_batch_size". The TensorFlow and JAX backends' formulas.
    case keras

    /// Keras' `backend.epsilon()`.
    public static let kerasEpsilon = 1e-7

    /// PyTorch's `binary_cross_entropy` clamps each log at this many nats.
    public static let pytorchLogFloor = -100.0

    /// Bits for the document, nats for the libraries.
    public var defaultBase: LogBase { self == .document ? .two : .e }

    /// How probabilities are clipped by default. PyTorch's BCELoss does not clip (epsilon 0:
    /// the identity on [0, 1]) but clamps each log instead.
    public var defaultClipping: Clipping {
        switch self {
        case .document, .sklearn: Clipping()
        case .pytorch: Clipping(epsilon: 0)
        case .keras: Clipping(epsilon: Convention.kerasEpsilon)
        }
    }
}
