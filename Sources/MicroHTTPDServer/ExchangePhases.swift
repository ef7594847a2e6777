import CMicroHTTPDShim
import HTTPTransport

/// The C shim's calls for a request, in order: HEADERS (make the exchange, refuse or admit),
/// CHUNK (a streamed body's piece, to its consumer), COMPLETE (the body is whole: the handler or
/// the consumer answers), ENDED (report a close, cancel an unanswered stream, release the exchange).
enum ExchangePhases {
    /// The shim's callback. A plain function: a closure in main.swift would be main-actor code
    /// and trap on libmicrohttpd's threads.
    static let callback: cmhd_handler = { context, request, phase in
        guard let context, let request else { return }
        let server = Unmanaged<ServerContext>.fromOpaque(context).takeUnretainedValue()
        switch phase {
        case .CMHD_PHASE_HEADERS: headers(request, server)
        case .CMHD_PHASE_CHUNK: chunk(request)
        case .CMHD_PHASE_COMPLETE: complete(request, server)
        case .CMHD_PHASE_ENDED: ended(request, server)
        }
    }

    /// Makes the exchange and keeps it in the request's slot; answers at once, or admits the body.
    private static func headers(_ request: OpaquePointer, _ server: ServerContext) {
        let application = server.application
        let head = Exchange.readHead(request)
        let exchange = Exchange(head: head, resolution: application.resolve(head), server: server, request: request)
        cmhd_request_set_exchange(request, Unmanaged.passRetained(exchange).toOpaque())
        guard let early = admit(request, exchange, server) else { return }  // go on and read the body
        answer(early, exchange, request, server, bytesIn: 0)
    }

    /// Framing first, then the route's verdict, then the size limit and the memory budget.
    /// Nil admits the body.
    private static func admit(_ request: OpaquePointer, _ exchange: Exchange, _ server: ServerContext)
        -> HTTPResponse?
    {
        let application = server.application
        if let refusal = FramingVerdict.refusal(request) {
            return application.refuse(exchange.head, refusal)
        }
        // A declared body past the limit is refused before anything is read (a chunked one as it
        // grows past it, in the shim).
        let tooLarge = exchange.head.contentLength.map { $0 > server.maxBodyBytes } ?? false
        switch exchange.resolution.admission {
        case .answer(let response):
            return response
        case .stream(let consumer):
            let limit = consumer.maxBodyBytes ?? server.maxBodyBytes
            if exchange.head.contentLength.map({ $0 > limit }) ?? false {
                return application.refuse(exchange.head, .bodyTooLarge(limit: limit))
            }
            _ = cmhd_request_admit_stream(request, limit)
            return nil
        case .buffer(let memoryPerByte, _):
            if tooLarge { return application.refuse(exchange.head, .bodyTooLarge(limit: server.maxBodyBytes)) }
            switch cmhd_request_admit(request, memoryPerByte) {
            case .CMHD_ADMITTED: return nil
            case .CMHD_OVER_BUDGET: return application.refuse(exchange.head, .overBudget)
            case .CMHD_NEVER_FITS: return application.refuse(exchange.head, .neverFits)
            }
        }
    }

    /// The whole body is here (or was dropped): the handler's answer, or the refusal.
    private static func complete(_ request: OpaquePointer, _ server: ServerContext) {
        guard let exchange = exchange(of: request) else { return }
        let application = server.application
        var bytesIn = 0
        let bytes = cmhd_request_body(request, &bytesIn)
        let response: HTTPResponse
        switch cmhd_request_body_state(request) {
        case .CMHD_BODY_KEPT:
            if let stream = exchange.stream {
                guard let ready = stream.finishOrAnswer() else { return }  // the shim pauses until it is
                response = ready
                break
            }
            guard case .buffer(_, let handler) = exchange.resolution.admission else { return }
            let body = UnsafeRawBufferPointer(start: bytes, count: bytes == nil ? 0 : bytesIn)
            do {
                response = try handler(exchange.context(logger: application.logger), body)
            } catch {
                response = HTTPResponse(thrown: error)
            }
        case .CMHD_BODY_TOO_LARGE:
            exchange.stream?.cancel()
            let limit = exchange.stream?.consumer.maxBodyBytes ?? server.maxBodyBytes
            response = application.refuse(exchange.head, .bodyTooLarge(limit: limit))
        case .CMHD_BODY_OVER_BUDGET:
            exchange.stream?.cancel()
            response = application.refuse(exchange.head, .overBudget)
        }
        answer(response, exchange, request, server, bytesIn: bytesIn)
    }

    /// Every request ends here once: a close without an answer is reported, and the exchange
    /// taken back out of the slot and released.
    private static func ended(_ request: OpaquePointer, _ server: ServerContext) {
        guard let slot = cmhd_request_exchange(request) else {
            // Refused by the library before its headers: no exchange was made.
            let head = RequestHead(
                method: String(cString: cmhd_request_method(request)),
                path: String(cString: cmhd_request_path(request)), contentType: nil, contentLength: nil)
            server.application.finished(
                FinishedExchange(
                    requestID: RequestID.fresh(), head: head, route: server.application.resolve(head).label,
                    outcome: .closed(closeReason(request)), bytesIn: 0, durationNanoseconds: 0))
            return
        }
        cmhd_request_set_exchange(request, nil)
        let exchange = Unmanaged<Exchange>.fromOpaque(slot).takeRetainedValue()
        exchange.stream?.end()
        if !cmhd_request_answered(request) {
            exchange.stream?.cancel()  // the client left, the body was cut, or the server stopped
            var received = 0  // the body bytes taken before the close
            _ = cmhd_request_body(request, &received)
            exchange.report(.closed(closeReason(request)), bytesIn: received, to: server.application)
        }
    }

    /// A streamed body's piece: as much as its consumer takes (the shim pauses for the rest).
    private static func chunk(_ request: OpaquePointer) {
        guard let stream = exchange(of: request)?.stream else { return }
        var size = 0
        guard let bytes = cmhd_request_chunk(request, &size) else { return }
        let taken = stream.consumer.take(UnsafeRawBufferPointer(start: bytes, count: size), control: stream.control)
        cmhd_request_take(request, min(max(taken, 0), size))
    }

    private static func exchange(of request: OpaquePointer) -> Exchange? {
        cmhd_request_exchange(request).map { Unmanaged<Exchange>.fromOpaque($0).takeUnretainedValue() }
    }

    private static func closeReason(_ request: OpaquePointer) -> FinishedExchange.CloseReason {
        switch cmhd_request_close_reason(request) {
        case .CMHD_CLOSE_SLOW_BODY: .slowBody
        case .CMHD_CLOSE_ABORTED: .aborted
        case .CMHD_CLOSE_REFUSED_BY_LIBRARY: .refusedByLibrary
        }
    }

    /// Queues the answer with its X-Request-Id and reports the exchange.
    private static func answer(
        _ response: HTTPResponse, _ exchange: Exchange, _ request: OpaquePointer, _ server: ServerContext,
        bytesIn: Int
    ) {
        let queued = response.body.withUnsafeBytes { body in
            cmhd_respond(request, UInt32(clamping: response.status), response.contentType, body.baseAddress, body.count)
        }
        if queued {
            for header in response.headers {
                cmhd_add_header(request, header.name, header.value)
            }
            cmhd_add_header(request, "X-Request-Id", exchange.requestID)
        }
        exchange.report(.answered(response), bytesIn: bytesIn, to: server.application)
    }
}
