/// The service's routes.
public enum ServiceRoutes {
    public static let version = "1.0.0"

    public static func router(maxBodyBytes: UInt64) -> Router {
        let cce = ScoreEndpoint(loss: .cce)
        let bce = ScoreEndpoint(loss: .bce)
        let batch = BatchEndpoint()
        var routes = [
            Route(path: "/cce", method: "POST", handler: .body { cce.respond(to: $0) }),
            Route(path: "/bce", method: "POST", handler: .body { bce.respond(to: $0) }),
            Route(path: "/batch", method: "POST", handler: .body { batch.respond(to: $0) }),
            Route(path: "/bands", method: "GET", handler: .fixed(.json(BandsEndpoint.body))),
            Route(path: "/healthz", method: "GET", handler: .fixed(.json(Array("{\"status\":\"ok\"}".utf8)))),
        ]
        routes.append(Route(path: "/", method: "GET", handler: .fixed(.json(index(routes)))))
        return Router(routes: routes, maxBodyBytes: maxBodyBytes)
    }

    /// GET /: name, version and routes.
    private static func index(_ routes: [Route]) -> [UInt8] {
        var json = JSONWriter()
        json.raw("{\"name\":\"cross-entropy-service\",\"version\":")
        json.string(version)
        json.raw(",\"routes\":[")
        let all = routes.map { "\($0.method) \($0.path)" } + ["GET /"]
        for (i, route) in all.sorted().enumerated() {
            if i > 0 { json.comma() }
            json.string(route)
        }
        json.raw("]}")
        return json.bytes
    }
}
