import HTTPTransport

/// One route's descriptor, resolved once per request from its path: the method it answers,
/// whether it reads a JSON body, its memory factor, its metric label and its handler.
struct Route: Sendable {
    enum Handler: Sendable {
        /// A GET answer that never changes.
        case fixed(HTTPResponse)
        /// A GET answer made anew for each request (readiness, metrics).
        case dynamic(@Sendable () -> HTTPResponse)
        /// A POST whose JSON body is read whole, then answered (or a `Problem` thrown).
        case body(BodyHandler)
    }

    let route: ServiceRoute
    let handler: Handler
    /// What the transport does with an admitted request: made once, when the router is built.
    let resolution: Resolution

    init(_ route: ServiceRoute, handler: Handler) {
        self.route = route
        self.handler = handler
        let respond: BodyHandler =
            switch handler {
            case .fixed(let response): { _, _ in response }
            case .dynamic(let make): { _, _ in make() }
            case .body(let handle): handle
            }
        self.resolution = Resolution(
            label: route.path,
            admission: .buffer(memoryPerByte: MemoryCharge.factor(for: route), handler: respond))
    }

    /// Whether the route reads a JSON body (its media type is screened at the headers).
    var takesBody: Bool {
        if case .body = handler { return true }
        return false
    }

    /// The methods to list in `Allow` (GET routes answer HEAD too).
    var allowedMethods: [String] { route.method == "GET" ? ["GET", "HEAD"] : [route.method] }
}
