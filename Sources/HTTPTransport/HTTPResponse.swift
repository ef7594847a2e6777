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
    /// The failure an error answer was made from (observers read its reason and kind).
    public var failure: (any HTTPFailure)?
    /// What a successful answer tells the application's own observers of its request (the
    /// scoring service: samples, classes, convention, model for the access line). The
    /// transport never reads it.
    public var summary: (any ResponseSummary)?

    /// An answer; `failure` when it answers one.
    public init(
        status: Int,
        contentType: String,
        body: [UInt8],
        headers: [(name: String, value: String)] = [],
        failure: (any HTTPFailure)? = nil,
        summary: (any ResponseSummary)? = nil
    ) {
        self.status = status
        self.contentType = contentType
        self.body = body
        self.headers = headers
        self.failure = failure
        self.summary = summary
    }
}

/// What an application attaches to a successful answer for its observers; opaque to the
/// transport, as `HTTPFailure`'s body is.
public protocol ResponseSummary: Sendable {}
