/// The `model` label values of the model-quality metrics: the names allowed at start-up
/// (`--model-labels`), `other` for any other name, `none` for answers without a model. The
/// set is fixed before the first request, so no caller can grow the number of series.
public struct ModelLabels: Sendable, Equatable {
    /// The label of an answer whose model is not in the allow-list.
    public static let unlisted = "other"
    /// The label of an answer that names no model.
    public static let absent = "none"
    /// The most names an allow-list may hold (each adds a dozen series per loss).
    public static let maxCount = 100

    /// The allowed names, in the order given.
    public let allowed: [String]

    /// Every label value a series is made for: the allowed names, `other` and `none`.
    public var all: [String] { allowed + [Self.unlisted, Self.absent] }

    /// No names allowed: every answer is counted under `other` or `none`.
    public init() { allowed = [] }

    /// An allow-list from a comma-separated list (empty items ignored), or the reason it is
    /// not one: a name breaks the model-name rule, repeats, or is one of the reserved labels.
    public init(parsing list: String) throws(ModelLabelsError) {
        var names: [String] = []
        for item in list.split(separator: ",", omittingEmptySubsequences: true) {
            let name = String(item)
            if let flaw = ModelName.flaw(name) { throw ModelLabelsError("'\(name.prefix(80))' \(flaw)") }
            if name == Self.unlisted || name == Self.absent {
                throw ModelLabelsError("'\(name)' is reserved for the metrics' own label values")
            }
            if names.contains(name) { throw ModelLabelsError("'\(name)' is listed twice") }
            names.append(name)
        }
        if names.count > Self.maxCount {
            throw ModelLabelsError("\(names.count) names; at most \(Self.maxCount)")
        }
        allowed = names
    }

    /// The label value an answer's model is counted under.
    public func label(for model: String?) -> String {
        guard let model else { return Self.absent }
        return allowed.contains(model) ? model : Self.unlisted
    }
}

/// Why a `--model-labels` list was refused.
public struct ModelLabelsError: Error, CustomStringConvertible {
    public let description: String

    init(_ description: String) { self.description = description }
}
