import CMicroHTTPDShim
import HTTPTransport
import Synchronization

/// An HTTP/1.1 server on GNU libmicrohttpd (through the C shim): libmicrohttpd owns the sockets
/// and the thread pool; a buffered request is answered synchronously on the pool thread that read
/// it, a streamed one whenever its consumer answers (its connection paused meanwhile, no thread
/// waiting), by an `HTTPApplication`. The path of a request: `ExchangePhases` (HEADERS makes an `Exchange`,
/// COMPLETE answers it, ENDED reports and releases it).
public final class HTTPServer: Sendable {
    /// Why the server did not start (the address is taken or not permitted, the host does not
    /// resolve).
    public enum StartError: Error, CustomStringConvertible {
        case cannotStart(String)
        /// One line for the operator.
        public var description: String {
            switch self {
            case .cannotStart(let message): message
            }
        }
    }

    /// The shim's server; nil once stopped.
    private let handle: Locked<OpaquePointer?>
    /// Kept alive for as long as libmicrohttpd may call back with it.
    private let context: Unmanaged<ServerContext>
    /// The same context, held by Swift: readable after `stop`.
    private let shared: ServerContext
    /// The port actually bound (the free one picked for port 0).
    public let port: UInt16

    /// Starts serving at once.
    public init(configuration: ServerConfiguration, application: any HTTPApplication) throws {
        let context = Unmanaged.passRetained(
            ServerContext(application: application, maxBodyBytes: configuration.maxBodyBytes))
        var config = cmhd_config()
        config.port = configuration.port
        config.threads = UInt32(clamping: max(configuration.threads, 1))
        config.max_body_bytes = configuration.maxBodyBytes
        config.memory_budget = configuration.memoryBudgetBytes
        config.memory_budget_per_address = configuration.memoryBudgetPerAddressBytes
        config.connection_limit = UInt32(clamping: configuration.connectionLimit)
        config.per_ip_connection_limit = UInt32(clamping: configuration.perIPConnectionLimit)
        config.connection_timeout = UInt32(clamping: configuration.connectionTimeout)
        config.max_body_gap = UInt32(clamping: configuration.maxBodyGap)
        config.min_body_rate = configuration.minBodyRate
        config.answer_gap = UInt32(clamping: configuration.maxAnswerGap)
        var message = [CChar](repeating: 0, count: 256)
        let started = configuration.host.withCString { host in
            config.host = host
            return cmhd_start(&config, ExchangePhases.callback, context.toOpaque(), &message, message.count)
        }
        guard let started else {
            context.release()
            throw StartError.cannotStart(
                String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        self.port = cmhd_bound_port(started)
        self.context = context
        self.shared = context.takeUnretainedValue()
        self.handle = Locked(started)
    }

    deinit { stop() }

    /// Stops accepting connections; requests in progress carry on.
    public func quiesce() {
        handle.withLock { if let server = $0 { cmhd_quiesce(server) } }
    }

    /// Requests being read or answered right now.
    public var requestsInFlight: Int {
        handle.withLock { $0.map { Int(cmhd_requests_in_flight($0)) } ?? 0 }
    }

    /// Connections paused right now because their body's consumer is behind.
    public var requestsPaused: Int {
        handle.withLock { $0.map { Int(cmhd_requests_paused($0)) } ?? 0 }
    }

    /// Bytes charged to the memory budget right now (bodies received, bodies being decoded ×
    /// their factors, answers held).
    public var memoryCharged: UInt64 {
        handle.withLock { $0.map { cmhd_memory_charged($0) } ?? 0 }
    }

    /// Exchanges made at the headers and not yet released (0 once every request has ended:
    /// the tests check that completion and abort both release theirs).
    public var exchangesAlive: Int { shared.exchangesAlive.load(ordering: .relaxed) }

    /// Closes every connection. Calling it again does nothing.
    public func stop() {
        // Taken out under the lock, stopped outside it: stopping waits for the pool threads,
        // which may be reading `requestsInFlight` for /metrics.
        guard let server = handle.withLock({ $0.take() }) else { return }
        cmhd_stop(server)
        context.release()
    }
}

/// What the C callback needs, reached through an opaque pointer.
final class ServerContext: Sendable {
    let application: any HTTPApplication
    /// `ServerConfiguration.maxBodyBytes`, for the 413s the transport decides.
    let maxBodyBytes: UInt64
    /// `Exchange`s alive (made at the headers, not yet deinitialized).
    let exchangesAlive = Atomic<Int>(0)

    init(application: any HTTPApplication, maxBodyBytes: UInt64) {
        self.application = application
        self.maxBodyBytes = maxBodyBytes
    }
}
