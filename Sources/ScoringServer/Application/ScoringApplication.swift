import HTTPTransport

/// The scoring service as the transport sees it: the router screens and answers, transport
/// refusals become problems, finished exchanges go to the observers (metrics, access log).
public struct ScoringApplication: HTTPApplication {
    /// The routes; also usable without the transport (tests, the fuzzer) through `Router.handle`.
    public let router: Router
    private let observers: [any ExchangeObserver]

    /// Wires `router` to the transport; `observers` (metrics, access log) hear of every exchange
    /// once it is finished, on the transport thread that finished it: keep them cheap.
    public init(router: Router, observers: [any ExchangeObserver] = []) {
        self.router = router
        self.observers = observers
    }

    /// Early answers from the router (404, 405, 415), else admission at the route's
    /// memory charge per body byte (`MemoryCharge`).
    public func screen(_ head: RequestHead) -> Admission {
        if let early = router.screen(head) { return .answer(early) }
        return .admit(memoryPerByte: MemoryCharge.factor(forPath: head.path))
    }

    /// The router's answer to a complete body.
    public func respond(_ head: RequestHead, body: UnsafeRawBufferPointer) -> HTTPResponse {
        router.respond(head, body: body)
    }

    /// Transport refusals as problems: 400 framing, 501 transfer codings, 413 size, 503 budget.
    public func refuse(_ head: RequestHead, _ refusal: TransportRefusal) -> HTTPResponse {
        switch refusal {
        case .malformedFraming(let detail):
            .problem(Problem(.badRequest, detail: detail))
        case .unsupportedTransferCoding(let coding):
            .problem(
                Problem(
                    .notImplemented,
                    detail:
                        "Transfer-Encoding '\(ClientText.cut(coding))' is not implemented; send the body as is, or with exactly 'Transfer-Encoding: chunked'"
                ))
        case .bodyTooLarge(let limit):
            .problem(Problem(.bodyTooLarge, detail: "the body is larger than \(limit) bytes (--max-body-bytes)"))
        case .neverFits:
            .problem(
                Problem(
                    .bodyTooLarge,
                    detail:
                        "decoding this body would need more memory than the whole --memory-budget-bytes; send a smaller body"
                ))
        case .overBudget:
            .problem(
                Problem(
                    .overloaded,
                    detail: "too many request bodies are being read at once (--memory-budget-bytes); retry shortly"),
                headers: [("Retry-After", "1")]
            )
        }
    }

    /// The route table's path, or "unmatched": bounded metric labels.
    public func routeLabel(for path: String) -> String {
        router.routeLabel(for: path)
    }

    /// Reports answered exchanges and refusing closes (slow bodies, the library's own refusals)
    /// to the observers; client aborts are not counted (nothing was refused).
    public func finished(_ finished: FinishedExchange) {
        guard !observers.isEmpty else { return }
        let exchange: Exchange
        switch finished.outcome {
        case .answered(let response):
            exchange = Exchange(
                requestID: finished.requestID, method: finished.head.method, path: finished.head.path,
                route: finished.route, status: response.status, bytesIn: finished.bytesIn,
                bytesOut: response.body.count, durationNanoseconds: finished.durationNanoseconds,
                problem: response.problem, scored: response.scored, clientAddress: finished.head.clientAddress)
        case .closed(let reason):
            guard reason.isRefusal else { return }  // the client left: nothing to count
            exchange = Exchange(
                requestID: finished.requestID, method: finished.head.method, path: finished.head.path,
                route: finished.route, status: 0, bytesIn: finished.bytesIn, bytesOut: 0,
                durationNanoseconds: finished.durationNanoseconds, problem: nil, closed: reason,
                clientAddress: finished.head.clientAddress)
        }
        for observer in observers { observer.observe(exchange) }
    }
}
