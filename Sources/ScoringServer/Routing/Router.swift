import HTTPTransport

/// Finds the route of a request and screens it as soon as its headers arrive, so that bad
/// requests (404, 405, 415, 413, duplicate Content-Length) are answered before any body is read.
public struct Router: Sendable {
    private let routes: [String: Route]
    /// The body limit the 413s name (the same value the transport enforces).
    public let maxBodyBytes: UInt64

    init(routes: [Route], maxBodyBytes: UInt64) {
        self.routes = Dictionary(uniqueKeysWithValues: routes.map { ($0.path, $0) })
        self.maxBodyBytes = maxBodyBytes
    }

    /// The route a path belongs to, as a metric label: its path, or "unmatched".
    public func routeLabel(for path: String) -> String {
        routes[path] == nil ? ServiceRoute.unmatchedLabel : path
    }

    /// An early answer for a request that cannot succeed, or nil to go on and read its body.
    public func screen(_ head: RequestHead) -> HTTPResponse? {
        if head.contentLengthCount > 1 {
            return .problem(
                Problem(.badRequest, detail: "the request has more than one Content-Length header")
            )
        }
        // Both framings at once is how requests are smuggled past proxies that pick the other one.
        if head.contentLengthCount > 0 && head.hasTransferEncoding {
            return .problem(
                Problem(
                    .badRequest, detail: "the request has both Content-Length and Transfer-Encoding")
            )
        }
        guard let route = routes[head.path] else {
            return .problem(Problem(.notFound, detail: "no route \(ClientText.cut(head.path)); try GET /"))
        }
        guard route.allowedMethods.contains(head.method) else {
            let allow = route.allowedMethods.joined(separator: ", ")
            return .problem(
                Problem(
                    .methodNotAllowed, detail: "\(head.path) accepts \(allow), not \(ClientText.cut(head.method))"),
                headers: [("Allow", allow)]
            )
        }
        guard case .body = route.handler else { return nil }
        if let refusal = MediaTypeRules.refusal(contentType: head.contentType, contentEncoding: head.contentEncoding) {
            return refusal
        }
        if let length = head.contentLength, length > maxBodyBytes {
            return tooLarge()
        }
        return nil
    }

    /// Why a body was discarded as it arrived instead of being kept.
    public enum DroppedBody: Sendable {
        /// It grew past --max-body-bytes (413).
        case tooLarge
        /// It grew past what --memory-budget-bytes had left (503).
        case overBudget
    }

    /// Screens and answers a request in one step (for callers without a headers phase).
    public func handle(_ head: RequestHead, body: UnsafeRawBufferPointer) -> HTTPResponse {
        screen(head) ?? respond(head, body: body)
    }

    /// The answer to a request whose body has been read; `screen` already passed it.
    public func respond(_ head: RequestHead, body: UnsafeRawBufferPointer, dropped: DroppedBody? = nil)
        -> HTTPResponse
    {
        switch dropped {
        case .tooLarge?: return tooLarge()
        case .overBudget?: return busy()
        case nil: break
        }
        switch routes[head.path]?.handler {
        case .fixed(let response)?: return response
        case .dynamic(let make)?: return make()
        case .body(let handler)?: return handler(body)
        case nil: return .problem(Problem(.notFound, detail: "no route \(ClientText.cut(head.path))"))
        }
    }

    /// 503 for a body the memory budget cannot take right now.
    public func busy() -> HTTPResponse {
        .problem(
            Problem(
                .overloaded,
                detail: "too many request bodies are being read at once (--memory-budget-bytes); retry shortly"),
            headers: [("Retry-After", "1")]
        )
    }

    private func tooLarge() -> HTTPResponse {
        .problem(
            Problem(
                .bodyTooLarge,
                detail: "the body is larger than \(maxBodyBytes) bytes (--max-body-bytes)")
        )
    }
}
