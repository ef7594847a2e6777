import HTTPTransport
import Logging

/// One structured line per request at info level. Nothing from the request body is logged at
/// info: error answers add their problem type there, and their detail only at debug level.
///
/// The fields travel through swift-log as one metadata value that `JSONLogHandler` writes
/// inline; building a dozen-entry metadata dictionary per request would cost more than
/// decoding the request.
public struct AccessLog: ExchangeObserver {
    private let logger: Logger
    private let includeDetail: Bool

    /// Logs through `logger` (at info; problem details too when its level is debug or lower).
    public init(logger: Logger) {
        self.logger = logger
        self.includeDetail = logger.logLevel <= .debug
    }

    /// Writes the exchange's line, unless the logger's level is above info.
    public func observe(_ exchange: FinishedExchange) {
        guard logger.logLevel <= .info else { return }
        let record = AccessRecord(exchange: exchange, includeDetail: includeDetail)
        // An explicit source spares swift-log deriving one from #fileID on every call.
        logger.info("request", metadata: ["access": .stringConvertible(record)], source: "access")
    }
}

/// The access log fields of one exchange; `JSONLogHandler` writes them at the top level of
/// the line (a cast to this concrete type is far cheaper than to a protocol).
struct AccessRecord: CustomStringConvertible, Sendable {
    let exchange: FinishedExchange
    let includeDetail: Bool

    /// The fields in name order, as `JSONLogHandler` orders metadata: the client's address
    /// when the transport knows it; a scored answer's `n`, `classes`, `convention` and `model`
    /// (when the request named one); an error answer's problem type (and its detail at debug).
    func writeFields(to line: inout JSONObjectWriter) {
        let scored = exchange.scored
        let failure = exchange.failure
        line.member("bytes_in", exchange.bytesIn)
        line.member("bytes_out", exchange.bytesOut)
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
        line.member("status", exchange.status)
    }

    /// For log handlers other than JSONLogHandler.
    var description: String {
        "\(exchange.head.method) \(exchange.head.path) \(exchange.status) \(exchange.bytesIn)B in \(exchange.bytesOut)B out "
            + "\(Double(exchange.durationNanoseconds) / 1e6)ms id=\(exchange.requestID)"
    }
}
