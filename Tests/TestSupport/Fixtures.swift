/// Request bodies that many tests send: the source notes' worked examples.
public enum Fixtures {
    /// The notes' multi-class example: an image of a dog, ŷ = [0.2, 0.7, 0.1]; −log₂ 0.7 bits.
    public static let seedCCE = #"{"predictions":[[0.2,0.7,0.1]],"labels":[1]}"#
    /// The notes' multi-label example: a cat and a rabbit, ŷ = [0.8, 0.4, 0.6]; 1.796 bits.
    public static let seedBCE = #"{"predictions":[[0.8,0.4,0.6]],"labels":[[1,0,1]]}"#
    /// −log₂ 0.7, the notes' 0.514 bits.
    public static let seedCCEBits = 0.5145731728297583
}
