/// Turns a JSONDecoder error into a 400 problem whose pointer is the decoder's coding path.
enum DecodingProblem {
    static func problem(for error: any Error) -> Problem {
        guard let error = error as? DecodingError else {
            return Problem(.invalidJSON, detail: "the body could not be read: \(error)")
        }
        let (context, detail): (DecodingError.Context, String)
        switch error {
        case .typeMismatch(_, let c):
            (context, detail) = (c, c.debugDescription)
        case .valueNotFound(_, let c):
            (context, detail) = (c, "a value is required here, not null")
        case .keyNotFound(let key, let c):
            (context, detail) = (c, "missing member '\(key.stringValue)'")
        case .dataCorrupted(let c):
            (context, detail) = (c, corruptedDetail(c))
        @unknown default:
            return Problem(.invalidJSON, detail: "the body could not be read")
        }
        let pointer = JSONPointer.from(context.codingPath)
        return Problem(
            .invalidJSON,
            detail: detail,
            errors: [Problem.Detail(pointer: pointer, detail: detail)]
        )
    }

    /// Syntax errors carry the position in the underlying error; say it plainly.
    private static func corruptedDetail(_ context: DecodingError.Context) -> String {
        guard let underlying = context.underlyingError else { return context.debugDescription }
        let text = String(describing: underlying)
        return text.isEmpty ? context.debugDescription : "\(context.debugDescription) \(text)"
    }
}
