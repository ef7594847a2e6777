import HTTPTransport

/// Finds the route of a request and screens it as soon as its headers arrive, so that bad
/// requests (404, 405, 415) are answered before any body is read.
/// Sizes are the transport's: it refuses bodies past `ServerConfiguration.maxBodyBytes`.
public struct Router: Sendable {
    private let routes: [String: Route]

    init(routes: [Route]) {
        self.routes = Dictionary(uniqueKeysWithValues: routes.map { ($0.path, $0) })
    }

    /// The route a path belongs to, as a metric label: its path, or "unmatched".
    public func routeLabel(for path: String) -> String {
        routes[path] == nil ? ServiceRoute.unmatchedLabel : path
    }

    /// An early answer for a request that cannot succeed, or nil to go on and read its body.
    public func screen(_ head: RequestHead) -> HTTPResponse? {
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
        return nil
    }

    /// Screens and answers a request in one step (for callers without a headers phase).
    public func handle(_ head: RequestHead, body: UnsafeRawBufferPointer) -> HTTPResponse {
        screen(head) ?? respond(head, body: body)
    }

    /// The answer to a request whose body has been read; `screen` already passed it.
    public func respond(_ head: RequestHead, body: UnsafeRawBufferPointer) -> HTTPResponse {
        switch routes[head.path]?.handler {
        case .fixed(let response)?: return response
        case .dynamic(let make)?: return make()
        case .body(let handler)?: return handler(body)
        case nil: return .problem(Problem(.notFound, detail: "no route \(ClientText.cut(head.path))"))
        }
    }
}
