import HTTPTransport

extension HTTPResponse {
    static func json(_ body: [UInt8], status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "application/json", body: body)
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
}
