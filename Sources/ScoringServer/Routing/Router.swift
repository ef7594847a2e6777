import HTTPTransport

/// Resolves each request's route once, from its head, so that bad requests (404, 405, 415)
/// are answered before any body is read and admitted ones carry their route's descriptor.
/// Sizes are the transport's: it refuses bodies past `ServerConfiguration.maxBodyBytes`.
public struct Router: Sendable {
    private let routes: [String: Route]

    init(routes: [Route]) {
        self.routes = Dictionary(uniqueKeysWithValues: routes.map { ($0.route.path, $0) })
    }

    /// The route of a request as the transport needs it: its label, and an early answer or the
    /// handler and memory factor of its body.
    public func resolve(_ head: RequestHead) -> Resolution {
        guard let route = routes[head.path] else {
            return Resolution(
                label: ServiceRoute.unmatchedLabel,
                admission: .answer(
                    .problem(Problem(.notFound, detail: "no route \(ClientText.cut(head.path)); try GET /"))))
        }
        guard route.allowedMethods.contains(head.method) else {
            let allow = route.allowedMethods.joined(separator: ", ")
            let problem = Problem(
                .methodNotAllowed, detail: "\(head.path) accepts \(allow), not \(ClientText.cut(head.method))")
            return Resolution(
                label: route.route.path, admission: .answer(.problem(problem, headers: [("Allow", allow)])))
        }
        if route.takesJSONBody,
            let refusal = MediaTypeRules.refusal(contentType: head.contentType, contentEncoding: head.contentEncoding)
        {
            return Resolution(label: route.route.path, admission: .answer(refusal))
        }
        return route.resolution(for: head)
    }

    /// Resolves and answers a request in one step, without a transport (tests, the fuzzer,
    /// bench/router): a thrown problem becomes its answer, as the transport would make it.
    public func handle(_ head: RequestHead, body: UnsafeRawBufferPointer) -> HTTPResponse {
        switch resolve(head).admission {
        case .answer(let response):
            return response
        case .buffer(_, let handler):
            let context = RequestContext(head: head, requestID: RequestID.resolve(head.requestID))
            do {
                return try handler(context, body)
            } catch {
                return HTTPResponse(thrown: error)
            }
        case .stream(let consumer):
            return BodyStreamDriver.answer(consumer, body: body)
        }
    }
}
