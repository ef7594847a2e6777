/// An answer: status, media type, body, and any extra headers.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var contentType: String
    public var body: [UInt8]
    public var headers: [(name: String, value: String)]
    /// Whatever the application attaches for its own exchange observers (the scoring service:
    /// the problem of an error answer). The transport never reads it.
    public var annotation: (any Sendable)?

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
