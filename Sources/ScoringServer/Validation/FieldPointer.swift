/// Makes the JSON pointers of a request's fields (named by `ScoringField`, so a renamed field
/// cannot leave a stale pointer): "/labels/3" in a body, "/jobs/2/labels/3" in
/// a batch job.
struct FieldPointer: Sendable {
    /// Prepended to every pointer: "" for a body, "/jobs/3" for a batch job.
    let prefix: String
    /// Fields given flat (one value per sample, read as one column): their pointers name the
    /// sample alone, "/predictions/3" rather than "/predictions/3/0".
    var flatFields: [ScoringField] = []

    func callAsFunction(_ field: ScoringField, _ indices: Int...) -> String {
        var result = prefix + "/" + field.rawValue
        let kept = indices.count == 2 && flatFields.contains(field) ? indices.dropLast() : indices[...]
        for index in kept { result += "/\(index)" }
        return result
    }
}
