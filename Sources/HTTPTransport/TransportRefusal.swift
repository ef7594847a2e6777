/// Why the transport refuses a request; the application words the answer.
public enum TransportRefusal: Sendable, Equatable {
    /// 400: broken framing (RFC 9112): a bad header name, a folded line, a NUL or bare CR, `%00`
    /// in the path, a missing or repeated Host, a repeated or malformed Content-Length, more than
    /// one Transfer-Encoding, Content-Type or Content-Encoding, both framings, `chunked` not last.
    case malformedFraming(String)
    /// 501: a transfer coding the transport does not implement (only `chunked` is).
    case unsupportedTransferCoding(String)
    /// 413: the body is declared (or grew) larger than `limit`: the transport's
    /// `ServerConfiguration.maxBodyBytes`, the one place that limit lives, or a streamed body's
    /// own (`BodyStream.maxBodyBytes`).
    case bodyTooLarge(limit: UInt64)
    /// 413: the body's memory charge is more than the whole budget: it can never be taken.
    case neverFits
    /// 503 with Retry-After: the memory budget cannot take the body now.
    case overBudget
}
