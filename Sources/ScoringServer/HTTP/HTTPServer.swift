import CMicroHTTPDShim

/// The service's HTTP server: libmicrohttpd (through the C shim) owns the sockets and the
/// thread pool; each request is answered synchronously on the pool thread that read it.
public final class HTTPServer: Sendable {
    public enum StartError: Error, CustomStringConvertible {
        case cannotStart(String)
        public var description: String {
            switch self {
            case .cannotStart(let message): message
            }
        }
    }

    private nonisolated(unsafe) let handle: OpaquePointer
    /// Kept alive for as long as libmicrohttpd may call back with it.
    private let context: Unmanaged<RequestContext>
    public let port: UInt16

    /// Starts serving at once. Every finished exchange is reported to `observers` (metrics, logs).
    public init(configuration: ServerConfiguration, router: Router, observers: [any ExchangeObserver] = []) throws {
        let context = Unmanaged.passRetained(RequestContext(router: router, observers: observers))
        var config = cmhd_config()
        config.port = configuration.port
        config.threads = UInt32(max(configuration.threads, 1))
        config.max_body_bytes = configuration.maxBodyBytes
        config.max_buffered_bytes = configuration.maxBufferedBytes
        config.connection_limit = UInt32(configuration.connectionLimit)
        config.per_ip_connection_limit = UInt32(configuration.perIPConnectionLimit)
        config.connection_timeout = UInt32(configuration.connectionTimeout)
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
        self.handle = started
        self.context = context
        self.port = cmhd_bound_port(started)
    }

    /// Stops accepting connections; requests in progress carry on.
    public func quiesce() { cmhd_quiesce(handle) }

    /// Requests being read or answered right now.
    public var requestsInFlight: Int { Int(cmhd_requests_in_flight(handle)) }

    /// Closes every connection. The server cannot be used afterwards.
    public func stop() {
        cmhd_stop(handle)
        context.release()
    }
}

/// What the C callback needs, reached through an opaque pointer.
final class RequestContext: Sendable {
    let router: Router
    let observers: [any ExchangeObserver]

    init(router: Router, observers: [any ExchangeObserver]) {
        self.router = router
        self.observers = observers
    }
}

/// The C shim's callback. A plain global function: a closure in main.swift would be
/// main-actor code and trap on libmicrohttpd's threads.
private func handleRequest(_ context: UnsafeMutableRawPointer?, _ request: OpaquePointer?, _ phase: Int32) {
    guard let context, let request else { return }
    let service = Unmanaged<RequestContext>.fromOpaque(context).takeUnretainedValue()
    let head = requestHead(request)
    var response: HTTPResponse
    var bytesIn = 0
    if phase == Int32(CMHD_PHASE_HEADERS) {
        if let early = service.router.screen(head) {
            response = early
        } else if cmhd_request_reserve_body(request) == 0 {
            response = service.router.busy()
        } else {
            return  // go on and read the body
        }
    } else {
        let bytes = cmhd_request_body(request, &bytesIn)
        let body = UnsafeRawBufferPointer(start: bytes, count: bytes == nil ? 0 : bytesIn)
        let dropped: Router.DroppedBody? =
            switch cmhd_request_body_dropped(request) {
            case Int32(CMHD_BODY_TOO_LARGE): .tooLarge
            case Int32(CMHD_BODY_OVER_BUDGET): .overBudget
            default: nil
            }
        response = service.router.respond(head, body: body, dropped: dropped)
    }
    let requestID = RequestID.resolve(head.requestID)
    response.headers.append(("X-Request-Id", requestID))
    send(response, to: request)
    guard !service.observers.isEmpty else { return }
    let exchange = Exchange(
        requestID: requestID,
        method: head.method,
        path: head.path,
        route: service.router.routeLabel(for: head.path),
        status: response.status,
        bytesIn: bytesIn,
        bytesOut: response.body.count,
        durationNanoseconds: cmhd_monotonic_ns() &- cmhd_request_started_ns(request),
        problem: response.problem
    )
    for observer in service.observers { observer.observe(exchange) }
}

private func requestHead(_ request: OpaquePointer) -> RequestHead {
    let lengthCount = Int(cmhd_request_header_count(request, "Content-Length"))
    var length: UInt64?
    if lengthCount == 1, let text = cmhd_request_header(request, "Content-Length") {
        length = UInt64(String(cString: text))
    }
    return RequestHead(
        method: String(cString: cmhd_request_method(request)),
        path: String(cString: cmhd_request_path(request)),
        contentType: cmhd_request_header(request, "Content-Type").map { String(cString: $0) },
        contentLength: length,
        contentLengthCount: lengthCount,
        requestID: cmhd_request_header(request, "X-Request-Id").map { String(cString: $0) },
        hasTransferEncoding: cmhd_request_header(request, "Transfer-Encoding") != nil
    )
}

private func send(_ response: HTTPResponse, to request: OpaquePointer) {
    let queued = response.body.withUnsafeBytes { body in
        cmhd_respond(request, UInt32(response.status), response.contentType, body.baseAddress, body.count)
    }
    guard queued != 0 else { return }
    for header in response.headers {
        cmhd_add_header(request, header.name, header.value)
    }
}
