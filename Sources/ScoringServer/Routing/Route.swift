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
        /// A POST whose body is handed over chunk by chunk to a consumer made for each request
        /// (the body-chunk phase); it charges its own memory and answers after the last byte. A
        /// failure (a bad media type, coding or query option) is the answer at the headers.
        case stream(@Sendable (RequestHead) -> Result<any BodyStream, Problem>)
    }

    let route: ServiceRoute
    let handler: Handler
    /// What the transport gets for an admitted request: made once, when the router is built, or
    /// (a streamed route) a consumer made per request.
    private let prepared: Prepared

    private enum Prepared: Sendable {
        case ready(Resolution)
        case perRequest(@Sendable (RequestHead) -> Result<any BodyStream, Problem>)
    }

    init(_ route: ServiceRoute, handler: Handler) {
        self.route = route
        self.handler = handler
        let factor = MemoryCharge.factor(for: route)
        let ready = { (respond: @escaping BodyHandler) in
            Prepared.ready(
                Resolution(label: route.path, admission: .buffer(memoryPerByte: factor, handler: respond)))
        }
        self.prepared =
            switch handler {
            case .fixed(let response): ready { _, _ in response }
            case .dynamic(let make): ready { _, _ in make() }
            case .body(let handle): ready(handle)
            case .stream(let make): .perRequest(make)
            }
    }

    /// The descriptor the transport gets for an admitted request to this route.
    func resolution(for head: RequestHead) -> Resolution {
        switch prepared {
        case .ready(let resolution):
            if takesJSONBody, let problem = Self.queryRefusal(head.query, path: route.path) {
                Resolution(label: route.path, admission: .answer(.problem(problem)))
            } else {
                resolution
            }
        case .perRequest(let make):
            switch make(head) {
            case .success(let consumer): Resolution(label: route.path, admission: .stream(consumer))
            case .failure(let problem): Resolution(label: route.path, admission: .answer(.problem(problem)))
            }
        }
    }

    /// Whether the route reads a JSON body whole (its media type is screened at the headers by
    /// `MediaTypeRules`; a streamed route screens its own).
    var takesJSONBody: Bool {
        switch handler {
        case .body: true
        case .fixed, .dynamic, .stream: false
        }
    }

    /// A JSON-body route reads its options from the body only: a query parameter (a caller's
    /// `?per_sample=false`) would be ignored without a word, so it is refused at the headers,
    /// as an unknown option of a stream route is.
    private static func queryRefusal(_ query: String?, path: String) -> Problem? {
        let names = (query ?? "").split(separator: "&").map { LineOptions.decode($0.prefix { $0 != "=" }) }
        guard !names.isEmpty else { return nil }
        var problems = ValidationProblems()
        for name in names.prefix(10) {
            problems.add(
                Problem.Detail(
                    pointer: "/" + JSONPointer.escape(name),
                    detail:
                        "unknown query parameter '\(ClientText.cut(name))'; \(path) takes its options in the JSON body (only the /lines routes read the query string)",
                    isUnknownField: true))
        }
        do throws(Problem) {
            try problems.check()
            return nil
        } catch {
            return error
        }
    }

    /// The methods to list in `Allow` (GET routes answer HEAD too).
    var allowedMethods: [String] { route.method == "GET" ? ["GET", "HEAD"] : [route.method] }
}
