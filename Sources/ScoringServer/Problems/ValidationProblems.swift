/// Collects validation problems, stopping at a limit so a matrix with a million bad values
/// costs one short answer, not a million-line one.
struct ValidationProblems {
    static let limit = 20

    private(set) var details: [Problem.Detail] = []
    /// Unknown members past the limit: counted, not listed. (Scans of values stop at the limit
    /// instead, so their problems past it are not counted.)
    private(set) var unlisted = 0

    var isFull: Bool { details.count >= Self.limit }
    var isEmpty: Bool { details.isEmpty }

    mutating func add(_ pointer: String, _ detail: String) {
        add(Problem.Detail(pointer: pointer, detail: detail))
    }

    mutating func add(_ detail: Problem.Detail) {
        if !isFull { details.append(detail) }
    }

    /// One detail per unknown member kept of the object at pointer `object`, each with the
    /// closest of `known`; the rest counted.
    mutating func add(_ unknown: UnknownFields, known: [String], in object: String) {
        var listed = 0
        for name in unknown.names where !isFull {
            add(FieldSuggestion.unknownField(name, known: known, in: object))
            listed += 1
        }
        unlisted += unknown.count - listed
    }

    /// Throws a 422 when anything was found.
    func check() throws(Problem) {
        if !details.isEmpty { throw Problem.validation(details, unlisted: unlisted) }
    }
}
