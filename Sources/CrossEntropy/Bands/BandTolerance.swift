/// How band edges are compared, so the document's reference points (computed values such as
/// -log2(0.9) that round-trip through floating point) land on the labels the document gives.
public enum BandTolerance {
    /// Relative tolerance on a band's threshold.
    public static let relative = 1e-9
    /// A loss at most this large (in its own unit) counts as 0.
    public static let perfect = 1e-12
}
