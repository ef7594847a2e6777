import HTTPTransport

/// One finished request and its answer, as observed for metrics and the access log.
public struct Exchange: Sendable {
    /// The X-Request-Id the answer carried.
    public let requestID: String
    /// The request method, as sent.
    public let method: String
    /// The request path, as sent (unbounded: use `route` for metric labels).
    public let path: String
    /// The matched route, or "unmatched" (keeps metric labels bounded).
    public let route: String
    /// 0 when the connection was closed without an answer (`closed` says why).
    public let status: Int
    /// Body bytes received.
    public let bytesIn: Int
    /// Answer body bytes (0 when closed without an answer).
    public let bytesOut: Int
    /// From the headers' arrival to the answer being queued (or the close).
    public let durationNanoseconds: UInt64
    /// Set for error answers.
    public let problem: Problem?
    /// Set when the request was closed without an answer.
    public let closed: FinishedExchange.CloseReason?
    /// Set for scored /cce and /bce answers: n, classes, convention, model.
    public let scored: ScoredRequest?
    /// The client's address, when the transport knows it.
    public let clientAddress: String?

    /// An exchange as observed; `problem` for error answers, `closed` for closes without one.
    public init(
        requestID: String, method: String, path: String, route: String, status: Int, bytesIn: Int, bytesOut: Int,
        durationNanoseconds: UInt64, problem: Problem?, closed: FinishedExchange.CloseReason? = nil,
        scored: ScoredRequest? = nil, clientAddress: String? = nil
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
        self.scored = scored
        self.clientAddress = clientAddress
    }
}

/// Told of every exchange once its answer is ready.
public protocol ExchangeObserver: Sendable {
    func observe(_ exchange: Exchange)
}
