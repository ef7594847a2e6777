/// One finished exchange, for metrics and logs.
public struct FinishedExchange: Sendable {
    /// How the exchange ended.
    public enum Outcome: Sendable {
        /// This answer was queued (`response.failure` is set for error answers).
        case answered(HTTPResponse)
        /// The connection was closed without an answer.
        case closed(CloseReason)
    }

    /// Why a request was closed without an answer.
    public enum CloseReason: String, Sendable, CaseIterable {
        /// Its body came slower than the minimum rate, or stopped for longer than the gap.
        case slowBody = "slow_body"
        /// libmicrohttpd refused it after its request line, before the service saw its headers:
        /// with its own answer (a malformed header line), or with none (so many query arguments
        /// that its per-connection memory runs out, 477 or more under the defaults).
        case refusedByLibrary = "refused_by_library"
        /// The client went away, or the server stopped.
        case aborted

        /// Whether the close is a refusal worth counting (a client leaving is not).
        public var isRefusal: Bool { self != .aborted }
    }

    /// The X-Request-Id of the exchange (the caller's, or a fresh one).
    public let requestID: String
    /// What the headers said.
    public let head: RequestHead
    /// The label of the route the request resolved to.
    public let route: String
    /// The answer queued, or why the connection was closed without one.
    public let outcome: Outcome
    /// Body bytes received.
    public let bytesIn: Int
    /// From the headers' arrival to the answer being queued (or the close).
    public let durationNanoseconds: UInt64

    /// Made by the transport for `HTTPApplication.finished`.
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
