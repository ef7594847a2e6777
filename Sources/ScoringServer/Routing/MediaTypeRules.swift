import HTTPTransport

/// What a body must be sent as: JSON (application/json or application/*+json) in UTF-8, with no
/// content coding. Anything else is a 415 that says how to send it right.
enum MediaTypeRules {
    /// The 415 for a request whose headers say its body is not UTF-8 JSON as is, or nil.
    static func refusal(contentType: String?, contentEncoding: String?) -> HTTPResponse? {
        if let encoding = contentEncoding, !isIdentity(encoding) {
            var problem = Problem(
                .unsupportedMediaType,
                detail: "Content-Encoding '\(ClientText.cut(encoding))' is not accepted; send the body uncompressed")
            problem.acceptedEncodings = "identity"
            return .problem(problem)
        }
        guard let contentType, contentType != "application/json" else { return nil }  // read as JSON; the common case
        guard isJSON(contentType) else {
            var detail = "Content-Type is '\(ClientText.cut(contentType))'; send application/json"
            if contentType.lowercased().hasPrefix("application/x-www-form-urlencoded") {
                // curl -d sends this.
                detail += " (curl: add -H 'Content-Type: application/json', or use curl --json)"
            }
            return .problem(Problem(.unsupportedMediaType, detail: detail))
        }
        return charsetRefusal(contentType).map { .problem($0) }
    }

    /// The 415 for a charset parameter other than UTF-8 (JSON and JSON Lines are UTF-8), or nil.
    static func charsetRefusal(_ contentType: String) -> Problem? {
        guard let charset = charset(of: contentType), charset != "utf-8" && charset != "utf8" else { return nil }
        return Problem(
            .unsupportedMediaType,
            detail: "charset '\(ClientText.cut(charset))' is not accepted; JSON bodies are UTF-8 (RFC 8259 section 8.1)"
        )
    }

    /// The 415 for a body in UTF-16 or UTF-32, which JSONDecoder would otherwise read: JSON text
    /// starts with an ASCII character, so a NUL among its first bytes, or a UTF-16 byte order
    /// mark, gives the encoding away (RFC 4627 §3).
    static func refusal(body: UnsafeRawBufferPointer) -> Problem? {
        // Read in place: this runs for every body and every JSON Lines line.
        let start = body.prefix(4)
        guard start.count >= 2 else { return nil }
        let (first, second) = (start[start.startIndex], start[start.startIndex + 1])
        let utf16Mark = (first == 0xFE && second == 0xFF) || (first == 0xFF && second == 0xFE)
        guard utf16Mark || start.contains(0) else { return nil }
        return Problem(
            .unsupportedMediaType, detail: "the body is UTF-16 or UTF-32; send it as UTF-8 (RFC 8259 section 8.1)")
    }

    private static func isIdentity(_ encoding: String) -> Bool {
        encoding.split(separator: ",").allSatisfy {
            trimmed($0).lowercased() == "identity"
        }
    }

    /// `text` without spaces and tabs (and `also`) at either end.
    private static func trimmed(_ text: Substring, also extra: Character? = nil) -> Substring {
        let strip = { (c: Character) in c == " " || c == "\t" || c == extra }
        guard let first = text.firstIndex(where: { !strip($0) }), let last = text.lastIndex(where: { !strip($0) })
        else { return "" }
        return text[first...last]
    }

    /// The charset parameter, lower-cased and unquoted, if any.
    private static func charset(of contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let parts = parameter.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, trimmed(parts[0]).lowercased() == "charset" else { continue }
            return trimmed(parts[1], also: "\"").lowercased()
        }
        return nil
    }

    /// application/json, or any application/*+json, with or without parameters; any case.
    /// Compared byte by byte: this runs for every POST.
    static func isJSON(_ contentType: String) -> Bool {
        var utf8 = Array(contentType.utf8)
        if let semicolon = utf8.firstIndex(of: UInt8(ascii: ";")) { utf8.removeSubrange(semicolon...) }
        while let last = utf8.last, last == 0x20 || last == 0x09 { utf8.removeLast() }
        let start = utf8.firstIndex { $0 != 0x20 && $0 != 0x09 } ?? utf8.endIndex
        let name = utf8[start...].map { $0 | ($0 >= 0x41 && $0 <= 0x5A ? 0x20 : 0) }  // ASCII lower case
        let application = Array("application/".utf8)
        guard name.starts(with: application) else { return false }
        let subtype = name.dropFirst(application.count)
        return subtype.elementsEqual("json".utf8)
            || (subtype.count > 5 && subtype.suffix(5).elementsEqual("+json".utf8))
    }
}
