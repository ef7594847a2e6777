/// Makes the JSON pointers of a request's fields: "/labels/3" in a body, "/jobs/2/labels/3" in
/// a batch job.
struct FieldPointer: Sendable {
    /// Prepended to every pointer: "" for a body, "/jobs/3" for a batch job.
    let prefix: String

    func callAsFunction(_ field: String, _ indices: Int...) -> String {
        var result = prefix + "/" + JSONPointer.escape(field)
        for index in indices { result += "/\(index)" }
        return result
    }
}
