/// One finished request and its answer, as observed for metrics and the access log.
public struct Exchange: Sendable {
    public let requestID: String
    public let method: String
    public let path: String
    /// The matched route, or "unmatched" (keeps metric labels bounded).
    public let route: String
    public let status: Int
    public let bytesIn: Int
    public let bytesOut: Int
    public let durationNanoseconds: UInt64
    /// Set for error answers.
    public let problem: Problem?
}

/// Told of every exchange once its answer is ready.
public protocol ExchangeObserver: Sendable {
    func observe(_ exchange: Exchange)
}
