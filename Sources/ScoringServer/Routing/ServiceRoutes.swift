import HTTPTransport

/// The service's routes.
public enum ServiceRoutes {
    /// The service's version, in `GET /` and the logs.
    public static let version = "1.0.0"

    /// What the routes need from the running service.
    public struct Dependencies: Sendable {
        /// Structural limits on each request.
        public var limits: ScoringLimits
        /// The limits of JSON Lines streams.
        public var lineLimits: LineLimits
        /// The transport's settings, for the body and memory limits `GET /` lists.
        public var transport: ServerConfiguration
        /// Draining or not, for readiness.
        public var state: ServiceState
        /// Where samples are counted and `/metrics` is read from.
        public var metrics: ServiceMetrics
        /// Requests being served now, read when /metrics is scraped.
        public var requestsInFlight: @Sendable () -> Int
        /// Bytes charged to the transport's memory budget now, read when /metrics is scraped.
        public var memoryCharged: @Sendable () -> UInt64

        /// Defaults fit tests: fresh state and metrics, nothing in flight.
        public init(
            limits: ScoringLimits = .default,
            lineLimits: LineLimits = .default,
            transport: ServerConfiguration = ServerConfiguration(),
            state: ServiceState = ServiceState(),
            metrics: ServiceMetrics = ServiceMetrics(),
            requestsInFlight: @escaping @Sendable () -> Int = { 0 },
            memoryCharged: @escaping @Sendable () -> UInt64 = { 0 }
        ) {
            self.limits = limits
            self.lineLimits = lineLimits
            self.transport = transport
            self.state = state
            self.metrics = metrics
            self.requestsInFlight = requestsInFlight
            self.memoryCharged = memoryCharged
        }
    }

    /// A router with default dependencies (tests, the fuzzer).
    public static func router() -> Router {
        router(Dependencies())
    }

    /// The router of the running service: one handler per `ServiceRoute`.
    public static func router(_ dependencies: Dependencies) -> Router {
        let metrics = dependencies.metrics
        let state = dependencies.state
        let inFlight = dependencies.requestsInFlight
        let charged = dependencies.memoryCharged
        let limits = dependencies.limits
        let cce = ScoreEndpoint(loss: .cce, metrics: metrics, limits: limits)
        let bce = ScoreEndpoint(loss: .bce, metrics: metrics, limits: limits)
        let batch = BatchEndpoint(metrics: metrics, limits: limits)
        let index = index(limits: limits, transport: dependencies.transport)
        let compare = CompareEndpoint(metrics: metrics, limits: limits)
        let lines = { (route: ServiceRoute) -> LinesEndpoint? in
            LinesEndpoint(path: route.path, limits: limits, lineLimits: dependencies.lineLimits, metrics: metrics)
        }
        let cceLines = lines(.cceLines)
        let bceLines = lines(.bceLines)
        // Exhaustive over the route table: a new route does not build until it has a handler.
        let routes = ServiceRoute.allCases.map { route -> Route in
            let handler: Route.Handler =
                switch route {
                case .cce: .body { try cce.respond($0, $1) }
                case .bce: .body { try bce.respond($0, $1) }
                case .batch: .body { try batch.respond($0, $1) }
                case .compare: .body { try compare.respond($0, $1) }
                case .cceLines: .stream { head in stream(cceLines, head) }
                case .bceLines: .stream { head in stream(bceLines, head) }
                case .bands: .fixed(.json(BandsEndpoint.body))
                case .healthz: .fixed(.json(Array(#"{"status":"ok"}"#.utf8)))
                case .readyz: .dynamic { readiness(state) }
                case .metrics:
                    .dynamic {
                        HTTPResponse(
                            status: 200,
                            contentType: "text/plain; version=0.0.4",
                            body: metrics.exposition(requestsInFlight: inFlight(), memoryCharged: charged())
                        )
                    }
                case .openAPI:
                    .fixed(
                        HTTPResponse(
                            status: 200, contentType: "application/yaml", body: Array(OpenAPIDocument.yaml.utf8)))
                case .index: .fixed(.json(index))
                }
            return Route(route, handler: handler)
        }
        return Router(routes: routes)
    }

    /// The consumer of a JSON Lines upload, or the answer at its headers.
    private static func stream(_ endpoint: LinesEndpoint?, _ head: RequestHead) -> Result<any BodyStream, Problem> {
        guard let endpoint else {  // unreachable: both paths are LinesEndpoint's
            return .failure(Problem(.notFound, detail: "no route \(ClientText.cut(head.path)); try GET /"))
        }
        return endpoint.admit(head, query: head.query)
    }

    /// 200 while taking work, 503 once draining has begun.
    private static func readiness(_ state: ServiceState) -> HTTPResponse {
        if state.isDraining {
            return .problem(
                Problem(.draining, detail: "the service is draining and takes no new work"))
        }
        return .json(Array(#"{"status":"ready"}"#.utf8))
    }

    /// GET /: name, version, routes, and the limits a caller must split its work by.
    private static func index(limits: ScoringLimits, transport: ServerConfiguration) -> [UInt8] {
        var json = JSONWriter()
        json.object { index in
            index.member("name", "cross-entropy-service")
            index.member("version", version)
            index.member("routes", ServiceRoute.allCases.map { "\($0.method) \($0.path)" }.sorted())
            index.member(
                "limits",
                object: { limit in
                    limit.member("max_body_bytes", Int(clamping: transport.maxBodyBytes))
                    limit.member("max_samples", limits.maxSamples)
                    limit.member("max_classes", limits.maxClasses)
                    limit.member("max_elements", limits.maxElements)
                    limit.member("max_jobs", limits.maxJobs)
                    limit.member("memory_budget_bytes", Int(clamping: transport.memoryBudgetBytes))
                    limit.member(
                        "memory_budget_per_address_bytes", Int(clamping: transport.memoryBudgetPerAddressBytes))
                })
        }
        return json.bytes
    }
}
