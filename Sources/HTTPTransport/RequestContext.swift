import Logging

/// What a handler knows of its request besides the body: the head, the request id, and a
/// logger carrying that id, made only when asked for (a metadata dictionary per request costs
/// more than a small request's decoding: BENCHMARKS.md).
public struct RequestContext: Sendable {
    /// What the headers said.
    public let head: RequestHead
    /// The X-Request-Id the answer will carry.
    public let requestID: String
    private let baseLogger: Logger

    /// Made by the transport once per exchange (tests and `Router.handle` make their own).
    public init(head: RequestHead, requestID: String, logger: Logger = RequestContext.silentLogger) {
        self.head = head
        self.requestID = requestID
        self.baseLogger = logger
    }

    /// The application's logger with `request_id` set.
    public var logger: Logger {
        var logger = baseLogger
        logger[metadataKey: "request_id"] = .string(requestID)
        return logger
    }

    /// A logger that writes nothing (callers without a logging system).
    public static let silentLogger = Logger(label: "silent", factory: { _ in SwiftLogNoOpLogHandler() })
}
