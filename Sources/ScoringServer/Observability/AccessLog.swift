import HTTPTransport
import Logging

/// One structured line per request at info level, in the JSON log format (`JSONLogHandler`'s
/// line, logger `access`). Nothing from the request body is logged at info: error answers add
/// their problem type there, and their detail only at debug level.
///
/// The line is written straight into the log sink's buffer, not through swift-log: a metadata
/// dictionary, a boxed value and a line of its own per request cost more than writing it.
public struct AccessLog: ExchangeObserver {
    private let sink: LogSink
    private let enabled: Bool
    private let includeDetail: Bool

    /// Writes into `sink` when `level` is info or lower (problem details too at debug or lower).
    public init(sink: LogSink, level: Logger.Level) {
        self.sink = sink
        self.enabled = level <= .info
        self.includeDetail = level <= .debug
    }

    /// Writes the exchange's line, unless the level is above info.
    public func observe(_ exchange: FinishedExchange) {
        guard enabled else { return }
        let record = AccessRecord(exchange: exchange, includeDetail: includeDetail)
        sink.writeLine { json in
            JSONLogHandler.writeLine(to: &json, level: .info, message: "request", label: "access") {
                record.writeFields(to: &$0)
            }
        }
    }
}

/// The access log fields of one exchange, written at the top level of its line.
struct AccessRecord: Sendable {
    let exchange: FinishedExchange
    let includeDetail: Bool

    /// The fields in name order, as `JSONLogHandler` orders metadata: the client's address
    /// when the transport knows it; a scored answer's `n`, `classes`, `convention` and `model`
    /// (when the request named one); an error answer's problem type (and its detail at debug).
    func writeFields(to line: inout JSONObjectWriter) {
        // The answer is read out of the outcome once (each read copies it).
        let answer: HTTPResponse? = if case .answered(let response) = exchange.outcome { response } else { nil }
        let scored = answer?.scored
        let failure = answer?.failure
        line.member("bytes_in", exchange.bytesIn)
        line.member("bytes_out", answer?.body.count ?? 0)
        if let scored { line.member("classes", scored.classes) }
        if let client = exchange.head.clientAddress { line.member("client", client) }
        if let closed = exchange.closed { line.member("closed", closed.rawValue) }
        if let scored { line.member("convention", scored.convention.rawValue) }
        if let failure, includeDetail { line.member("detail", failure.detail) }
        line.member("duration_ms", Double(exchange.durationNanoseconds / 1000) / 1000)
        line.member("method", exchange.head.method)
        if let model = scored?.model { line.member("model", model) }
        if let scored { line.member("n", scored.n) }
        line.member("path", exchange.head.path)
        if let failure { line.member("problem", failure.kind) }
        line.member("request_id", exchange.requestID)
        line.member("status", answer?.status ?? 0)
    }
}
