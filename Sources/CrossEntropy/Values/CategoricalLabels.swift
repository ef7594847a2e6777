/// True labels for categorical cross-entropy: one class index per sample, or one row of
/// class weights per sample (one-hot, or a soft distribution summing to 1).
public enum CategoricalLabels: Sendable, Equatable {
    case indices([Int])
    case distributions(Matrix)

    public var count: Int {
        switch self {
        case .indices(let indices): indices.count
        case .distributions(let matrix): matrix.rows
        }
    }

    /// Whether the labels are class indices (rather than rows).
    public var isIndices: Bool {
        if case .indices = self { true } else { false }
    }
}
