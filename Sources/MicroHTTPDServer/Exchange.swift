import CMicroHTTPDShim
import HTTPTransport
import Logging
import Synchronization

/// One request from its headers to its end: made once at the HEADERS phase (its head read once,
/// its route resolved once, its id chosen once), kept in libmicrohttpd's per-request slot, and
/// released exactly once, at ENDED, whether it was answered or aborted.
final class Exchange: Sendable {
    let head: RequestHead
    let requestID: String
    /// The route's label and what to do with the body.
    let resolution: Resolution
    /// CLOCK_MONOTONIC at the headers.
    let started: UInt64
    private let server: ServerContext
    /// Set when the route streams its body (the body-chunk phase).
    let stream: StreamState?
    /// Set once observers were told (an answer libmicrohttpd could not queue is not told twice).
    private let reported = Atomic<Bool>(false)

    init(head: RequestHead, resolution: Resolution, server: ServerContext, request: OpaquePointer) {
        self.head = head
        if case .stream(let consumer) = resolution.admission {
            self.stream = StreamState(consumer: consumer, request: request)
        } else {
            self.stream = nil
        }
        self.requestID = RequestID.resolve(head.requestID)
        self.resolution = resolution
        self.started = MonotonicClock.nanoseconds()
        self.server = server
        server.exchangesAlive.add(1, ordering: .relaxed)
    }

    deinit { server.exchangesAlive.subtract(1, ordering: .relaxed) }

    /// The handler's view of the request.
    func context(logger: @autoclosure () -> Logger) -> RequestContext {
        RequestContext(head: head, requestID: requestID, logger: logger())
    }

    /// Tells the application once, with the record observers read.
    func report(_ outcome: FinishedExchange.Outcome, bytesIn: Int, to application: any HTTPApplication) {
        guard !reported.exchange(true, ordering: .relaxed) else { return }
        application.finished(
            FinishedExchange(
                requestID: requestID, head: head, route: resolution.label, outcome: outcome, bytesIn: bytesIn,
                durationNanoseconds: MonotonicClock.nanoseconds() &- started))
    }

    /// Reads the head once: the values the application sees, Content-Length as the
    /// framing check parsed it.
    static func readHead(_ request: OpaquePointer) -> RequestHead {
        var length: UInt64 = 0
        let hasLength = cmhd_request_content_length(request, &length)
        return RequestHead(
            method: String(cString: cmhd_request_method(request)),
            path: RequestHead.originPath(String(cString: cmhd_request_path(request))),
            contentType: cmhd_request_header(request, "Content-Type").map { String(cString: $0) },
            contentLength: hasLength ? length : nil,
            requestID: cmhd_request_header(request, "X-Request-Id").map { String(cString: $0) },
            contentEncoding: cmhd_request_header(request, "Content-Encoding").map { String(cString: $0) },
            clientAddress: clientAddress(request),
            query: cmhd_request_query(request).map { String(cString: $0) }
        )
    }

    /// The client's address as text, read into a stack buffer (no allocation but the String's).
    private static func clientAddress(_ request: OpaquePointer) -> String? {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: Int(CMHD_ADDRESS_TEXT)) { buffer in
            guard let base = buffer.baseAddress, cmhd_request_client_address(request, base, buffer.count) else {
                return nil
            }
            return String(cString: base)
        }
    }
}
