/// One finished exchange, for metrics and logs.
public struct FinishedExchange: Sendable {
    /// How the exchange ended.
    public enum Outcome: Sendable {
        /// This answer was queued.
        case answered(HTTPResponse)
        /// The connection was closed without an answer.
        case closed(CloseReason)
    }

    /// Why a request was closed without an answer.
    public enum CloseReason: String, Sendable {
        /// Its body came slower than the minimum rate, or stopped for longer than the gap.
        case slowBody = "slow_body"
        /// The client went away, or the server stopped.
        case aborted
    }

    public let requestID: String
    public let head: RequestHead
    /// `routeLabel(for:)` of the path.
    public let route: String
    public let outcome: Outcome
    public let bytesIn: Int
    /// From the headers' arrival to the answer being queued (or the close).
    public let durationNanoseconds: UInt64

    public init(
        requestID: String, head: RequestHead, route: String, outcome: Outcome, bytesIn: Int,
        durationNanoseconds: UInt64
    ) {
        self.requestID = requestID
        self.head = head
        self.route = route
        self.outcome = outcome
        self.bytesIn = bytesIn
        self.durationNanoseconds = durationNanoseconds
    }
}
