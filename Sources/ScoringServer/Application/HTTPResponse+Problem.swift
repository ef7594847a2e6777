import HTTPTransport

extension HTTPResponse {
    static func json(_ body: [UInt8], status: Int = 200, scored: ScoredRequest? = nil) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "application/json", body: body, annotation: scored)
    }

    static func problem(_ problem: Problem, headers: [(name: String, value: String)] = []) -> HTTPResponse {
        HTTPResponse(
            status: problem.status,
            contentType: "application/problem+json",
            body: problem.jsonBytes,
            headers: headers,
            annotation: problem
        )
    }

    /// The problem an error answer carries (for metrics and logs).
    public var problem: Problem? { annotation as? Problem }

    /// What a scored /cce or /bce answer says of its request (for the access log).
    public var scored: ScoredRequest? { annotation as? ScoredRequest }
}
