/// Collects validation problems, stopping at a limit so a matrix with a million bad values
/// costs one short answer, not a million-line one.
struct ValidationProblems {
    static let limit = 20

    private(set) var details: [Problem.Detail] = []

    var isFull: Bool { details.count >= Self.limit }
    var isEmpty: Bool { details.isEmpty }

    mutating func add(_ pointer: String, _ detail: String) {
        if !isFull { details.append(Problem.Detail(pointer: pointer, detail: detail)) }
    }

    /// Throws a 422 when anything was found.
    func check() throws(Problem) {
        if !details.isEmpty { throw Problem.validation(details) }
    }
}
