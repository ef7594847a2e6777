/// An error a handler throws that the transport can answer without knowing its type: the
/// application's own error (the scoring service's `Problem`) conforms.
public protocol HTTPFailure: Error, Sendable {
    /// The HTTP status of the answer.
    var status: Int { get }
    /// A bounded label for metrics (`reason` of a rejection counter).
    var reason: String { get }
    /// The answer's body.
    var body: [UInt8] { get }
    /// The answer's media type.
    var contentType: String { get }
    /// What the access log records of it: a kind (a URI or a name) and, at debug, its detail.
    var kind: String { get }
    /// One line on what went wrong, for debug logs.
    var detail: String { get }
}

/// What the transport answers when a handler throws something that is no `HTTPFailure`: a bug.
struct InternalFailure: HTTPFailure {
    var status: Int { 500 }
    var reason: String { "internal_error" }
    var body: [UInt8] { Array(#"{"title":"Internal Server Error","status":500}"#.utf8) }
    var contentType: String { "application/problem+json" }
    var kind: String { "internal-error" }
    let detail: String
}

extension HTTPResponse {
    /// The answer to a failure, with extra headers (Allow, Retry-After, …).
    public init(failure: any HTTPFailure, headers: [(name: String, value: String)] = []) {
        self.init(
            status: failure.status, contentType: failure.contentType, body: failure.body, headers: headers,
            failure: failure)
    }

    /// The answer to whatever a handler threw.
    public init(thrown error: any Error) {
        if let failure = error as? any HTTPFailure {
            self.init(failure: failure)
        } else {
            self.init(failure: InternalFailure(detail: String(describing: type(of: error))))
        }
    }
}
