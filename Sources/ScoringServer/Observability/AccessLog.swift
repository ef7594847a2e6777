import Logging

/// One structured line per request at info level. Nothing from the request body is logged at
/// info: error answers add their problem type there, and their detail only at debug level.
public struct AccessLog: ExchangeObserver {
    private let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public func observe(_ exchange: Exchange) {
        guard logger.logLevel <= .info else { return }
        var metadata: Logger.Metadata = [
            "request_id": .string(exchange.requestID),
            "method": .string(exchange.method),
            "path": .string(exchange.path),
            "status": .stringConvertible(exchange.status),
            "bytes_in": .stringConvertible(exchange.bytesIn),
            "bytes_out": .stringConvertible(exchange.bytesOut),
            "duration_ms": .stringConvertible(Double(exchange.durationNanoseconds) / 1e6),
        ]
        if let problem = exchange.problem {
            metadata["problem"] = .string(problem.type)
            if logger.logLevel <= .debug { metadata["detail"] = .string(problem.detail) }
        }
        logger.info("request", metadata: metadata)
    }
}
