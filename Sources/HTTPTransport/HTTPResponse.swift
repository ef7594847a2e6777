/// An answer: status, media type, body, and any extra headers.
public struct HTTPResponse: Sendable {
    /// The HTTP status code.
    public var status: Int
    /// The Content-Type header.
    public var contentType: String
    /// The whole body (copied by the transport, charged to the memory budget until sent).
    public var body: [UInt8]
    /// Extra headers (Allow, Retry-After, …); the transport adds X-Request-Id.
    public var headers: [(name: String, value: String)]
    /// Whatever the application attaches for its own exchange observers (the scoring service:
    /// the problem of an error answer). The transport never reads it.
    public var annotation: (any Sendable)?

    /// An answer; `annotation` travels back to `HTTPApplication.finished` untouched.
    public init(
        status: Int,
        contentType: String,
        body: [UInt8],
        headers: [(name: String, value: String)] = [],
        annotation: (any Sendable)? = nil
    ) {
        self.status = status
        self.contentType = contentType
        self.body = body
        self.headers = headers
        self.annotation = annotation
    }
}
