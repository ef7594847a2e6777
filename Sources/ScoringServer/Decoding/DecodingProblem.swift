/// Turns a JSONDecoder error into a problem a person can act on: the pointer is the decoder's
/// coding path, and the words are the contract's ("labels must be class indices…"), never a
/// Swift type name.
///
/// On Linux JSONDecoder keeps no position for a syntax error, and no second parser is allowed,
/// so a syntax error names no line or column; what can be told apart is told apart (an empty
/// body, NaN or Infinity, JSON5 syntax, a number beyond float64).
enum DecodingProblem {
    static func problem(for error: any Error) -> Problem {
        if let error = error as? InvalidNumber {
            guard error.isOutOfRange else {
                return invalid(
                    at: error.codingPath,
                    "not a JSON number (RFC 8259: no leading zeros; digits after '-', '.' and 'e')")
            }
            return .validation([
                Problem.Detail(
                    pointer: JSONPointer.from(error.codingPath),
                    detail:
                        "the number is out of float64 range (beyond 1.8e308 in magnitude, or a non-zero value below 4.9e-324)"
                )
            ])
        }
        if let error = error as? UnreadableString {
            return invalid(at: error.codingPath, error.detail)
        }
        guard let error = error as? DecodingError else {
            return Problem(.invalidJSON, detail: "the body could not be read")
        }
        switch error {
        case .typeMismatch(_, let context):
            return invalid(at: context.codingPath, expectation(at: context.codingPath))
        case .valueNotFound(_, let context):
            return invalid(at: context.codingPath, "a value is required here, not null")
        case .keyNotFound(let key, let context):
            return invalid(at: context.codingPath, "missing member '\(ClientText.cut(key.stringValue))'")
        case .dataCorrupted(let context):
            return invalid(at: context.codingPath, "not valid JSON")
        @unknown default:
            return Problem(.invalidJSON, detail: "the body could not be read")
        }
    }

    /// A 400 for a body JSONDecoder refused as a whole (its scanner found a syntax error; a
    /// string that cannot be read is reported where it is read, see `UnreadableString`). Told
    /// apart by a look at the bytes (`SyntaxHints`): a body that is not UTF-8, nesting past
    /// JSONDecoder's limit, and a bare `NaN` or `Infinity`, which are told why they are not JSON;
    /// no pointer is promised there.
    ///
    /// Not done: decoding again with `allowsJSON5` to find NaN's pointer and to name JSON5
    /// syntax. Swift 6.3's JSON5 scanner traps (a `fatalError`, killing every request in flight)
    /// on a number such as `1e-` and on bytes F8-FF in an unquoted name, both found by the fuzzer.
    static func syntaxProblem(in body: UnsafeRawBufferPointer) -> Problem {
        // JSON is UTF-8 (RFC 8259 §8.1).
        guard String(validating: body, as: UTF8.self) != nil else {
            return invalid(at: [], "not valid JSON: the body is not UTF-8")
        }
        let hints = SyntaxHints(body)
        if hints.depth > SyntaxHints.depthLimit {
            return invalid(
                at: [],
                "not valid JSON: arrays and objects nest \(hints.depth) deep; JSONDecoder reads at most \(SyntaxHints.depthLimit) levels"
            )
        }
        if let offset = hints.nonFiniteOffset {
            // null is refused too (a value is required), so the message names what works. No
            // pointer: only JSONDecoder reads the structure, so the byte offset locates it.
            return invalid(
                at: [],
                "not valid JSON: NaN and Infinity are not JSON numbers, and every value must be finite (null is refused too); drop the sample from predictions and labels (and its sample weight); the first stands at byte \(offset) (counted from 0)"
            )
        }
        return invalid(at: [], "not valid JSON")
    }

    /// An empty (or all-whitespace) body.
    static let emptyBody = invalid(at: [], "the body is empty; send a JSON object")

    private static func invalid(at path: [any CodingKey], _ detail: String) -> Problem {
        Problem(.invalidJSON, detail: detail, errors: [Problem.Detail(pointer: JSONPointer.from(path), detail: detail)])
    }

    /// "labels must be an array of class indices (integers) or of rows of numbers, …", from
    /// the deepest named member on the path.
    private static func expectation(at path: [any CodingKey]) -> String {
        let names = path.compactMap { $0.intValue == nil ? $0.stringValue : nil }
        if path.count == 2 && names == [BatchField.jobs.rawValue] { return "each job must be an object" }
        guard let last = names.last else { return "the body must be a JSON object" }
        if names.count >= 2, let field = Tensor.Field(rawValue: last) {
            let owner = names[names.count - 2]
            let isMatrix =
                CompareField(rawValue: owner) != nil || ScoringField(rawValue: owner) == .predictions
                || ScoringField(rawValue: owner) == .labels
            if isMatrix { return "\(owner).\(field.rawValue) must be \(field.expected)" }
        }
        if let field = ScoringField(rawValue: last) { return "\(field.rawValue) must be \(field.expected)" }
        if let field = CompareField(rawValue: last) { return "\(field.rawValue) must be \(field.expected)" }
        if let field = SampleField(rawValue: last) { return "\(field.rawValue) must be \(field.expected)" }
        if BatchField(rawValue: last) == .jobs { return "jobs must be an array of job objects" }
        return "\(ClientText.cut(last)) has the wrong JSON type"
    }
}
