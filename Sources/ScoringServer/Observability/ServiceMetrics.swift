import CrossEntropy
import Metrics
import Synchronization

import class Prometheus.PrometheusCollectorRegistry
import struct Prometheus.PrometheusMetricsFactory

/// The service's metrics, recorded through swift-metrics into a Prometheus registry and
/// exposed as text by GET /metrics.
///
/// Handles for every route and every status the service answers are made up front, so a request
/// costs a few atomic increments: no registry look-up, no lock, no string building.
public final class ServiceMetrics: ExchangeObserver, Sendable {
    public let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    private let routes: [String: RouteMetrics]
    private let rejections: [String: Metrics.Counter]
    private let bodyBytes: Metrics.Recorder
    private let inFlight: Metrics.Gauge
    private let memoryCharged: Metrics.Gauge
    private let samples: [LossKind: Metrics.Counter]
    /// Routes and statuses not known in advance are counted here, under a lock.
    private let otherCounters = Mutex<[String: Metrics.Counter]>([:])

    static let routeLabels = [
        "/", "/bands", "/batch", "/bce", "/cce", "/healthz", "/metrics", "/openapi.yaml", "/readyz", "unmatched",
    ]
    static let statuses = [200, 400, 404, 405, 413, 415, 422, 501, 503]
    static let reasons = [
        "bad_request", "body_too_large", "draining", "invalid_json", "limits", "method_not_allowed", "not_found",
        "not_implemented", "other", "overloaded", "slow_body", "unknown_field", "unsupported_media_type", "validation",
    ]
    static let bodyByteBuckets: [Double] = [
        256, 1024, 4096, 16384, 65536, 262_144, 1_048_576, 4_194_304, 16_777_216, 67_108_864,
    ]
    static let durationBuckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5),
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
    ]

    /// The handles of one route.
    private struct RouteMetrics: Sendable {
        let duration: Metrics.Timer
        let byStatus: [Int: Metrics.Counter]
    }

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = Self.durationBuckets
        factory.valueHistogramBuckets["http_request_body_bytes"] = Self.bodyByteBuckets
        self.factory = factory
        var routes: [String: RouteMetrics] = [:]
        for route in Self.routeLabels {
            var byStatus: [Int: Metrics.Counter] = [:]
            for status in Self.statuses {
                byStatus[status] = Metrics.Counter(
                    label: "http_requests_total",
                    dimensions: [("route", route), ("status", String(status))],
                    factory: factory
                )
            }
            let duration = Metrics.Timer(
                label: "http_request_duration_seconds",
                dimensions: [("route", route)],
                factory: factory
            )
            routes[route] = RouteMetrics(duration: duration, byStatus: byStatus)
        }
        self.routes = routes
        var rejections: [String: Metrics.Counter] = [:]
        for reason in Self.reasons {
            rejections[reason] = Metrics.Counter(
                label: "requests_rejected_total",
                dimensions: [("reason", reason)],
                factory: factory
            )
        }
        self.rejections = rejections
        bodyBytes = Metrics.Recorder(
            label: "http_request_body_bytes", dimensions: [], aggregate: true, factory: factory)
        inFlight = Metrics.Gauge(label: "http_requests_in_flight", dimensions: [], factory: factory)
        memoryCharged = Metrics.Gauge(label: "memory_budget_charged_bytes", dimensions: [], factory: factory)
        var samples: [LossKind: Metrics.Counter] = [:]
        for kind in LossKind.allCases {
            samples[kind] = Metrics.Counter(
                label: "samples_scored_total",
                dimensions: [("loss", kind.rawValue)],
                factory: factory
            )
        }
        self.samples = samples
    }

    /// The factory, for bootstrapping swift-metrics so libraries report into the same registry.
    public var metricsFactory: any MetricsFactory { factory }

    public func observe(_ exchange: Exchange) {
        if let closed = exchange.closed {  // no answer: a rejection, not a request answered
            rejections[closed.rawValue]?.increment()
            return
        }
        if let route = routes[exchange.route], let counter = route.byStatus[exchange.status] {
            counter.increment()
            route.duration.recordNanoseconds(Int64(clamping: exchange.durationNanoseconds))
        } else {
            // A route or status not made up front: made once, under a lock, then reused.
            let (counter, timer) = otherHandles(route: exchange.route, status: exchange.status)
            counter.increment()
            timer.recordNanoseconds(Int64(clamping: exchange.durationNanoseconds))
        }
        bodyBytes.record(exchange.bytesIn)
        if let problem = exchange.problem {
            (rejections[problem.reason] ?? rejections["other"]!).increment()
        }
    }

    /// Counts samples scored successfully.
    func recordSamples(_ count: Int, loss: LossKind) {
        samples[loss]?.increment(by: count)
    }

    /// The Prometheus text exposition, with the in-flight and memory-budget gauges read now.
    func exposition(requestsInFlight: Int, memoryCharged charged: UInt64 = 0) -> [UInt8] {
        inFlight.record(requestsInFlight)
        memoryCharged.record(Int64(clamping: charged))
        var buffer: [UInt8] = []
        buffer.reserveCapacity(16384)
        registry.emit(into: &buffer)
        return buffer
    }

    private func otherHandles(route: String, status: Int) -> (Metrics.Counter, Metrics.Timer) {
        let timer =
            routes[route]?.duration
            ?? Metrics.Timer(label: "http_request_duration_seconds", dimensions: [("route", route)], factory: factory)
        let counter = otherCounters.withLock { counters in
            let key = "\(route) \(status)"
            if let counter = counters[key] { return counter }
            let counter = Metrics.Counter(
                label: "http_requests_total",
                dimensions: [("route", route), ("status", String(status))],
                factory: factory
            )
            counters[key] = counter
            return counter
        }
        return (counter, timer)
    }
}

extension Problem {
    /// The rejection reason label of a problem: body_too_large, unsupported_media_type, ….
    var reason: String {
        switch status {
        case 413: "body_too_large"
        case 415: "unsupported_media_type"
        case 501: "not_implemented"
        case 404: "not_found"
        case 405: "method_not_allowed"
        case 503: type == ProblemType.overloaded.uri ? "overloaded" : "draining"
        case 400: type == ProblemType.invalidJSON.uri ? "invalid_json" : "bad_request"
        case 422 where type == ProblemType.unknownField.uri: "unknown_field"
        case 422 where type == ProblemType.limitExceeded.uri: "limits"
        case 422: "validation"
        default: "other"
        }
    }
}
