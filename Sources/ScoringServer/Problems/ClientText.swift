/// Text a client sent, cut before it is echoed in an answer or a log line: a 20 MB member name
/// must not come back three times in a 60 MB answer.
enum ClientText {
    /// Names quoted in problem details (unknown members, conventions, media types, paths).
    static let maximumNameLength = 64
    /// Batch job ids echoed in results: long enough for any UUID or composite key.
    static let maximumIDLength = 256

    /// `text` itself when it has at most `limit` Unicode scalars, else its first `limit`
    /// followed by "…".
    static func cut(_ text: String, to limit: Int = maximumNameLength) -> String {
        guard text.utf8.count > limit, text.unicodeScalars.count > limit else { return text }
        var cut = ""
        cut.unicodeScalars.append(contentsOf: text.unicodeScalars.prefix(limit))
        return cut + "…"
    }
}
