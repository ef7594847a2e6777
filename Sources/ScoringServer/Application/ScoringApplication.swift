import HTTPTransport
import Logging

/// The scoring service as the transport sees it: the router resolves each request's route, transport
/// refusals become problems, finished exchanges go to the observers (metrics, access log).
public struct ScoringApplication: HTTPApplication {
    /// The routes; also usable without the transport (tests, the fuzzer) through `Router.handle`.
    public let router: Router
    private let observers: [any ExchangeObserver]
    /// What handlers log through (`RequestContext.logger`).
    public let logger: Logger

    /// Wires `router` to the transport; `observers` (metrics, access log) hear of every exchange
    /// once it is finished, on the transport thread that finished it: keep them cheap.
    public init(
        router: Router, observers: [any ExchangeObserver] = [], logger: Logger = RequestContext.silentLogger
    ) {
        self.router = router
        self.observers = observers
        self.logger = logger
    }

    /// The router's resolution: early answers (404, 405, 415), else the route's handler and
    /// memory charge per body byte (`MemoryCharge`).
    public func resolve(_ head: RequestHead) -> Resolution {
        router.resolve(head)
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
            // A JSON Lines stream is bounded by its own flag (its consumer's limit), not the body's.
            .problem(
                Problem(
                    .bodyTooLarge,
                    detail:
                        "the body is larger than \(limit) bytes (\(ServiceRoute.streamsLines(head.path) ? "--max-stream-bytes" : "--max-body-bytes"))"
                        + Self.largeSetHint(head.path)
                ))
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
                    detail: "too many request bodies are being read at once (--memory-budget-bytes); retry shortly"))
        }
    }

    /// Hands every finished exchange to the observers: the access log has a line for each (a
    /// close without an answer says why), and the metrics count refusing closes (slow bodies,
    /// the library's own refusals) but not a client leaving or a drain's end (nothing refused).
    public func finished(_ exchange: FinishedExchange) {
        for observer in observers { observer.observe(exchange) }
    }

    /// Where a set too large for one body goes: its route's JSON Lines stream, which has no total
    /// size, or predictions as a base64 tensor (fewer bytes per number).
    private static func largeSetHint(_ path: String) -> String {
        guard let lines = ServiceRoute(rawValue: path)?.linesRoute else { return "" }
        return "; score a large set as JSON Lines (POST \(lines.path)), which has no total size,"
            + " or send predictions as a base64 tensor (\"data_base64\": fewer bytes per number)"
    }
}
