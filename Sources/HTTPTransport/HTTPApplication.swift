import Logging

/// What an application gives the HTTP transport: the transport owns sockets, framing, the memory
/// budget and slow-client cuts; the application decides what each request means.
///
/// Every method is called synchronously on a transport thread, for many requests at once: keep
/// them free of blocking waits.
public protocol HTTPApplication: Sendable {
    /// The headers phase, once per request: the route's label and whether to answer now or
    /// read the body (and with which handler, at which memory cost).
    func resolve(_ head: RequestHead) -> Resolution

    /// The answer to a request the transport refuses (framing, size, memory budget).
    func refuse(_ head: RequestHead, _ refusal: TransportRefusal) -> HTTPResponse

    /// Told once per exchange: after its answer is queued, or when it was closed without one.
    func finished(_ exchange: FinishedExchange)

    /// The logger a handler's `RequestContext.logger` starts from.
    var logger: Logger { get }
}

extension HTTPApplication {
    /// Applications that observe nothing need not implement `finished`.
    public func finished(_ exchange: FinishedExchange) {}

    /// Applications that log nothing from handlers need not give a logger.
    public var logger: Logger { RequestContext.silentLogger }
}
