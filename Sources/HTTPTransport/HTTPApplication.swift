/// What an application gives the HTTP transport: the transport owns sockets, framing, the memory
/// budget and slow-client cuts; the application decides what each request means.
///
/// Every method is called synchronously on a transport thread, for many requests at once: keep
/// them free of blocking waits.
public protocol HTTPApplication: Sendable {
    /// The headers phase: answer now (the body is never read) or admit the body, saying how
    /// many bytes of memory each body byte will cost until `respond` returns.
    func screen(_ head: RequestHead) -> Admission

    /// The whole body has arrived: the answer.
    func respond(_ head: RequestHead, body: UnsafeRawBufferPointer) -> HTTPResponse

    /// The answer to a request the transport refuses (framing, size, memory budget).
    func refuse(_ head: RequestHead, _ refusal: TransportRefusal) -> HTTPResponse

    /// A bounded label for the path (metrics): the route, or one catch-all.
    func routeLabel(for path: String) -> String

    /// Told once per exchange: after its answer is queued, or when it was closed without one.
    func finished(_ exchange: FinishedExchange)
}

extension HTTPApplication {
    /// Applications that observe nothing need not implement `finished`.
    public func finished(_ exchange: FinishedExchange) {}
}
