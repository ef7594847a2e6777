import CMicroHTTPDShim
import HTTPTransport
import Synchronization

/// An HTTP/1.1 server on GNU libmicrohttpd (through the C shim): libmicrohttpd owns the sockets
/// and the thread pool; each request is answered synchronously on the pool thread that read it,
/// by an `HTTPApplication`.
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
    private let handle: Mutex<OpaquePointer?>
    /// Kept alive for as long as libmicrohttpd may call back with it.
    private let context: Unmanaged<ServerContext>
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
            return cmhd_start(&config, handleRequest, context.toOpaque(), &message, message.count)
        }
        guard let started else {
            context.release()
            throw StartError.cannotStart(
                String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        self.port = cmhd_bound_port(started)
        self.context = context
        self.handle = Mutex(started)
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

    /// Bytes charged to the memory budget right now (bodies received, bodies being decoded ×
    /// their factors, answers held).
    public var memoryCharged: UInt64 {
        handle.withLock { $0.map { cmhd_memory_charged($0) } ?? 0 }
    }

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

    init(application: any HTTPApplication, maxBodyBytes: UInt64) {
        self.application = application
        self.maxBodyBytes = maxBodyBytes
    }
}

/// The C shim's callback. A plain global function: a closure in main.swift would be
/// main-actor code and trap on libmicrohttpd's threads.
private func handleRequest(_ context: UnsafeMutableRawPointer?, _ request: OpaquePointer?, _ phase: cmhd_phase) {
    guard let context, let request else { return }
    let server = Unmanaged<ServerContext>.fromOpaque(context).takeUnretainedValue()
    let application = server.application
    let head = requestHead(request)
    var bytesIn = 0
    let response: HTTPResponse
    switch phase {
    case .CMHD_PHASE_HEADERS:
        cmhd_request_set_tag(request, MonotonicClock.nanoseconds())
        guard let early = screen(request, head, application, maxBodyBytes: server.maxBodyBytes) else {
            return  // go on and read the body
        }
        response = early
    case .CMHD_PHASE_COMPLETE:
        let bytes = cmhd_request_body(request, &bytesIn)
        switch cmhd_request_body_state(request) {
        case .CMHD_BODY_KEPT:
            let body = UnsafeRawBufferPointer(start: bytes, count: bytes == nil ? 0 : bytesIn)
            response = application.respond(head, body: body)
        case .CMHD_BODY_TOO_LARGE: response = application.refuse(head, .bodyTooLarge(limit: server.maxBodyBytes))
        case .CMHD_BODY_OVER_BUDGET: response = application.refuse(head, .overBudget)
        }
    case .CMHD_PHASE_CLOSED:
        let reason: FinishedExchange.CloseReason =
            switch cmhd_request_close_reason(request) {
            case .CMHD_CLOSE_SLOW_BODY: .slowBody
            case .CMHD_CLOSE_ABORTED: .aborted
            case .CMHD_CLOSE_REFUSED_BY_LIBRARY: .refusedByLibrary
            }
        report(.closed(reason), head, request, requestID: RequestID.resolve(head.requestID), bytesIn: 0, application)
        return
    }
    let requestID = RequestID.resolve(head.requestID)
    send(response, requestID: requestID, to: request)
    report(.answered(response), head, request, requestID: requestID, bytesIn: bytesIn, application)
}

/// The headers phase: framing, then the application's screen, then the memory budget.
/// Nil admits the body.
private func screen(
    _ request: OpaquePointer, _ head: RequestHead, _ application: any HTTPApplication, maxBodyBytes: UInt64
) -> HTTPResponse? {
    if let refusal = FramingVerdict.refusal(request) {
        return application.refuse(head, refusal)
    }
    switch application.screen(head) {
    case .answer(let response):
        return response
    case .admit(let memoryPerByte):
        // A declared body past the limit is refused before anything is read (a chunked one as
        // it grows past it, in the shim).
        if let length = head.contentLength, length > maxBodyBytes {
            return application.refuse(head, .bodyTooLarge(limit: maxBodyBytes))
        }
        switch cmhd_request_admit(request, memoryPerByte) {
        case .CMHD_ADMITTED: return nil
        case .CMHD_OVER_BUDGET: return application.refuse(head, .overBudget)
        case .CMHD_NEVER_FITS: return application.refuse(head, .neverFits)
        }
    }
}

private func report(
    _ outcome: FinishedExchange.Outcome, _ head: RequestHead, _ request: OpaquePointer, requestID: String,
    bytesIn: Int, _ application: any HTTPApplication
) {
    let started = cmhd_request_tag(request)  // 0: refused before the headers phase
    application.finished(
        FinishedExchange(
            requestID: requestID,
            head: head,
            route: application.routeLabel(for: head.path),
            outcome: outcome,
            bytesIn: bytesIn,
            durationNanoseconds: started == 0 ? 0 : MonotonicClock.nanoseconds() &- started
        )
    )
}

private func requestHead(_ request: OpaquePointer) -> RequestHead {
    // The framing check refuses repeated or malformed Content-Length before any route sees it.
    let length = cmhd_request_header(request, "Content-Length").flatMap { UInt64(String(cString: $0)) }
    return RequestHead(
        method: String(cString: cmhd_request_method(request)),
        path: String(cString: cmhd_request_path(request)),
        contentType: cmhd_request_header(request, "Content-Type").map { String(cString: $0) },
        contentLength: length,
        requestID: cmhd_request_header(request, "X-Request-Id").map { String(cString: $0) },
        contentEncoding: cmhd_request_header(request, "Content-Encoding").map { String(cString: $0) },
        clientAddress: clientAddress(request)
    )
}

/// The client's address as text, read into a stack buffer (no allocation but the String's).
private func clientAddress(_ request: OpaquePointer) -> String? {
    withUnsafeTemporaryAllocation(of: CChar.self, capacity: Int(CMHD_ADDRESS_TEXT)) { buffer in
        guard let base = buffer.baseAddress, cmhd_request_client_address(request, base, buffer.count) else {
            return nil
        }
        return String(cString: base)
    }
}

private func send(_ response: HTTPResponse, requestID: String, to request: OpaquePointer) {
    let queued = response.body.withUnsafeBytes { body in
        cmhd_respond(request, UInt32(clamping: response.status), response.contentType, body.baseAddress, body.count)
    }
    guard queued else { return }
    for header in response.headers {
        cmhd_add_header(request, header.name, header.value)
    }
    cmhd_add_header(request, "X-Request-Id", requestID)
}
