/// Collects validation problems, stopping at a limit so a matrix with a million bad values
/// costs one short answer, not a million-line one.
struct ValidationProblems {
    static let limit = 20

    private(set) var details: [Problem.Detail] = []
    /// Problems that were counted but not listed (unknown members past the limit).
    private(set) var unlisted = 0

    var isFull: Bool { details.count >= Self.limit }
    var isEmpty: Bool { details.isEmpty }

    mutating func add(_ pointer: String, _ detail: String) {
        add(Problem.Detail(pointer: pointer, detail: detail))
    }

    mutating func add(_ detail: Problem.Detail) {
        if isFull { unlisted += 1 } else { details.append(detail) }
    }

    /// One detail per unknown member kept, each with the closest of `known`, at the pointer
    /// `pointer` makes of its name; the rest counted.
    mutating func add(_ unknown: UnknownFields, known: [String], pointer: (String) -> String) {
        for name in unknown.names {
            add(FieldSuggestion.unknownField(name, known: known, pointer: pointer(name)))
        }
        unlisted += unknown.count - unknown.names.count
    }

    /// Throws a 422 when anything was found.
    func check() throws(Problem) {
        if !details.isEmpty { throw Problem.validation(details, unlisted: unlisted) }
    }
}
