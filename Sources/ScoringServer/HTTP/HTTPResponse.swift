/// What a route answers: status, media type, body, and any extra headers.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var contentType: String
    public var body: [UInt8]
    public var headers: [(name: String, value: String)]
    /// The problem an error answer carries (for metrics and logs).
    public var problem: Problem?

    public init(
        status: Int,
        contentType: String,
        body: [UInt8],
        headers: [(name: String, value: String)] = [],
        problem: Problem? = nil
    ) {
        self.status = status
        self.contentType = contentType
        self.body = body
        self.headers = headers
        self.problem = problem
    }

    static func json(_ body: [UInt8], status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "application/json", body: body)
    }

    static func problem(_ problem: Problem, headers: [(name: String, value: String)] = []) -> HTTPResponse {
        HTTPResponse(
            status: problem.status,
            contentType: "application/problem+json",
            body: problem.jsonBytes,
            headers: headers,
            problem: problem
        )
    }
}
