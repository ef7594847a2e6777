import HTTPTransport

/// One finished request and its answer, as observed for metrics and the access log.
public struct Exchange: Sendable {
    public let requestID: String
    public let method: String
    public let path: String
    /// The matched route, or "unmatched" (keeps metric labels bounded).
    public let route: String
    /// 0 when the connection was closed without an answer (`closed` says why).
    public let status: Int
    public let bytesIn: Int
    public let bytesOut: Int
    public let durationNanoseconds: UInt64
    /// Set for error answers.
    public let problem: Problem?
    /// Set when the request was closed without an answer.
    public let closed: FinishedExchange.CloseReason?

    public init(
        requestID: String, method: String, path: String, route: String, status: Int, bytesIn: Int, bytesOut: Int,
        durationNanoseconds: UInt64, problem: Problem?, closed: FinishedExchange.CloseReason? = nil
    ) {
        self.requestID = requestID
        self.method = method
        self.path = path
        self.route = route
        self.status = status
        self.bytesIn = bytesIn
        self.bytesOut = bytesOut
        self.durationNanoseconds = durationNanoseconds
        self.problem = problem
        self.closed = closed
    }
}

/// Told of every exchange once its answer is ready.
public protocol ExchangeObserver: Sendable {
    func observe(_ exchange: Exchange)
}
