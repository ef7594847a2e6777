import HTTPTransport

/// A problem is what a handler throws; the transport answers it through `HTTPFailure`.
extension Problem: HTTPFailure {
    /// The `reason` label of `cross_entropy_requests_rejected_total`.
    public var reason: String { type.reason }
    /// The RFC 9457 body.
    public var body: [UInt8] { jsonBytes }
    /// RFC 9457's media type.
    public var contentType: String { "application/problem+json" }
    /// The `type` URI, as the access log records it.
    public var kind: String { type.uri }
}

extension HTTPResponse {
    static func json(_ body: [UInt8], status: Int = 200, summary: ScoredRequest? = nil) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "application/json", body: body, summary: summary)
    }

    /// A problem's answer; an overloaded one says when to retry (`Retry-After: 1`), wherever it
    /// was found, and a refused coding which codings the route takes (`Accept-Encoding`).
    static func problem(_ problem: Problem, headers: [(name: String, value: String)] = []) -> HTTPResponse {
        var all: [(name: String, value: String)] = problem.type == .overloaded ? [("Retry-After", "1")] : []
        if let codings = problem.acceptedEncodings { all.append(("Accept-Encoding", codings)) }
        return HTTPResponse(failure: problem, headers: all + headers)
    }

    /// The problem an error answer carries (tests).
    public var problem: Problem? { failure as? Problem }

    /// What a scored /cce or /bce answer says of its request (for the access log).
    public var scored: ScoredRequest? { summary as? ScoredRequest }
}
