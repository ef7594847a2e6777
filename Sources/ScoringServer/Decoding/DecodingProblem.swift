#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

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
                    detail: "the number is out of float64 range (beyond ±1.8e308, or a non-zero value below 4.9e-324)")
            ])
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

    /// A 400 for the body as a whole, which JSONDecoder refused: tells NaN and Infinity and
    /// unreadable strings (with their pointer) and JSON5 syntax apart from other errors by
    /// decoding `body` again with JSON5 allowed. Runs on the error path only.
    static func syntaxProblem(in body: Data) -> Problem {
        // JSON is UTF-8 (RFC 8259 §8.1); and JSONDecoder's JSON5 scanner traps on some invalid
        // UTF-8 (bytes F8-FF in an unquoted name), so it only ever sees valid UTF-8.
        guard body.withUnsafeBytes({ String(validating: $0, as: UTF8.self) }) != nil else {
            return invalid(at: [], "not valid JSON: the body is not UTF-8")
        }
        let lenient = JSONDecoder()
        lenient.allowsJSON5 = true
        let finder = NonFiniteNumberFinder.Found()
        if let key = NonFiniteNumberFinder.key { lenient.userInfo[key] = finder }
        guard (try? lenient.decode(NonFiniteNumberFinder.self, from: body)) != nil else {
            return invalid(at: [], "not valid JSON")
        }
        switch finder.kind {
        case .nonFiniteNumber?:
            return invalid(at: finder.path, "NaN and Infinity are not JSON numbers; send null or drop the sample")
        case .unreadableString?:
            return invalid(
                at: finder.path, "this string cannot be read: an invalid escape, such as a lone UTF-16 surrogate")
        case nil:
            break
        }
        return invalid(
            at: [], "not valid JSON: comments, single quotes, unquoted names and other JSON5 syntax are not accepted")
    }

    /// An empty (or all-whitespace) body.
    static let emptyBody = invalid(at: [], "the body is empty; send a JSON object")

    private static func invalid(at path: [any CodingKey], _ detail: String) -> Problem {
        Problem(.invalidJSON, detail: detail, errors: [Problem.Detail(pointer: JSONPointer.from(path), detail: detail)])
    }

    /// "labels must be class indices (integers) or rows of numbers, or a tensor object", from
    /// the deepest named member on the path.
    private static func expectation(at path: [any CodingKey]) -> String {
        let names = path.compactMap { $0.intValue == nil ? $0.stringValue : nil }
        if path.count == 2 && names == [BatchField.jobs.rawValue] { return "each job must be an object" }
        guard let last = names.last else { return "the body must be a JSON object" }
        if names.count >= 2, let field = Tensor.Field(rawValue: last),
            let owner = ScoringField(rawValue: names[names.count - 2]), owner == .predictions || owner == .labels
        {
            return "\(owner.rawValue).\(field.rawValue) must be \(field.expected)"
        }
        if let field = ScoringField(rawValue: last) { return "\(field.rawValue) must be \(field.expected)" }
        if BatchField(rawValue: last) == .jobs { return "jobs must be an array of job objects" }
        return "\(ClientText.cut(last)) has the wrong JSON type"
    }
}

/// Walks any JSON document and records the first value strict JSON would refuse: a non-finite
/// number (JSON5's NaN and Infinity), or a string that cannot be read (an invalid escape such as
/// a lone UTF-16 surrogate, which JSONDecoder checks only when the string is read), reporting
/// it through `userInfo`.
private struct NonFiniteNumberFinder: Decodable {
    /// What was found, and where.
    final class Found: @unchecked Sendable {
        enum Kind {
            case nonFiniteNumber
            case unreadableString
        }
        var kind: Kind?
        var path: [any CodingKey] = []
    }

    static let key = CodingUserInfoKey(rawValue: "cross-entropy-service.non-finite")

    init(from decoder: any Decoder) throws {
        guard let key = Self.key, let found = decoder.userInfo[key] as? Found, found.kind == nil else { return }
        if let object = try? decoder.container(keyedBy: FieldKey.self) {
            for key in object.allKeys where found.kind == nil {
                _ = try? object.decode(NonFiniteNumberFinder.self, forKey: key)
            }
        } else if var array = try? decoder.unkeyedContainer() {
            while !array.isAtEnd && found.kind == nil {
                let index = array.currentIndex
                _ = try? array.decode(NonFiniteNumberFinder.self)
                if array.currentIndex == index { return }  // nothing more can be read here
            }
        } else if let value = try? decoder.singleValueContainer() {
            if let number = try? value.decode(Double.self) {
                if !number.isFinite { (found.kind, found.path) = (.nonFiniteNumber, decoder.codingPath) }
            } else {
                do {
                    _ = try value.decode(String.self)
                } catch  where !(error is DecodingError) {
                    (found.kind, found.path) = (.unreadableString, decoder.codingPath)
                } catch {}
            }
        }
    }
}
