import HTTPTransport
import Synchronization

/// The service's routes.
public enum ServiceRoutes {
    public static let version = "1.0.0"

    /// What the routes need from the running service.
    public struct Dependencies: Sendable {
        public var maxBodyBytes: UInt64
        public var limits: ScoringLimits
        public var state: ServiceState
        public var metrics: ServiceMetrics
        /// Requests being served now, read when /metrics is scraped.
        public var requestsInFlight: @Sendable () -> Int
        /// Bytes charged to the transport's memory budget now, read when /metrics is scraped.
        public var memoryCharged: @Sendable () -> UInt64

        public init(
            maxBodyBytes: UInt64,
            limits: ScoringLimits = .default,
            state: ServiceState = ServiceState(),
            metrics: ServiceMetrics = ServiceMetrics(),
            requestsInFlight: @escaping @Sendable () -> Int = { 0 },
            memoryCharged: @escaping @Sendable () -> UInt64 = { 0 }
        ) {
            self.maxBodyBytes = maxBodyBytes
            self.limits = limits
            self.state = state
            self.metrics = metrics
            self.requestsInFlight = requestsInFlight
            self.memoryCharged = memoryCharged
        }
    }

    public static func router(maxBodyBytes: UInt64) -> Router {
        router(Dependencies(maxBodyBytes: maxBodyBytes))
    }

    public static func router(_ dependencies: Dependencies) -> Router {
        let metrics = dependencies.metrics
        let state = dependencies.state
        let inFlight = dependencies.requestsInFlight
        let charged = dependencies.memoryCharged
        let limits = dependencies.limits
        let cce = ScoreEndpoint(loss: .cce, metrics: metrics, limits: limits)
        let bce = ScoreEndpoint(loss: .bce, metrics: metrics, limits: limits)
        let batch = BatchEndpoint(metrics: metrics, limits: limits)
        var routes = [
            Route(path: "/cce", method: "POST", handler: .body { cce.respond(to: $0) }),
            Route(path: "/bce", method: "POST", handler: .body { bce.respond(to: $0) }),
            Route(path: "/batch", method: "POST", handler: .body { batch.respond(to: $0) }),
            Route(path: "/bands", method: "GET", handler: .fixed(.json(BandsEndpoint.body))),
            Route(path: "/healthz", method: "GET", handler: .fixed(.json(Array(#"{"status":"ok"}"#.utf8)))),
            Route(path: "/readyz", method: "GET", handler: .dynamic { readiness(state) }),
            Route(
                path: "/metrics",
                method: "GET",
                handler: .dynamic {
                    HTTPResponse(
                        status: 200,
                        contentType: "text/plain; version=0.0.4",
                        body: metrics.exposition(requestsInFlight: inFlight(), memoryCharged: charged())
                    )
                }
            ),
            Route(
                path: "/openapi.yaml",
                method: "GET",
                handler: .fixed(
                    HTTPResponse(status: 200, contentType: "application/yaml", body: Array(OpenAPIDocument.yaml.utf8)))
            ),
        ]
        routes.append(Route(path: "/", method: "GET", handler: .fixed(.json(index(routes)))))
        return Router(routes: routes, maxBodyBytes: dependencies.maxBodyBytes)
    }

    /// 200 while taking work, 503 once draining has begun.
    private static func readiness(_ state: ServiceState) -> HTTPResponse {
        if state.isDraining {
            return .problem(
                Problem(status: 503, type: .draining, detail: "the service is draining and takes no new work"))
        }
        return .json(Array(#"{"status":"ready"}"#.utf8))
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
