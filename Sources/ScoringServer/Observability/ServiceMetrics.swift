import CrossEntropy
import Metrics
import Synchronization

import class Prometheus.PrometheusCollectorRegistry
import struct Prometheus.PrometheusMetricsFactory

/// The service's metrics, recorded through swift-metrics into a Prometheus registry and
/// exposed as text by GET /metrics. Metric handles are cached so a request costs a few
/// atomic increments, not registry look-ups.
public final class ServiceMetrics: ExchangeObserver, Sendable {
    public let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    private let requests = Mutex<[String: Metrics.Counter]>([:])
    private let durations = Mutex<[String: Metrics.Timer]>([:])
    private let rejections = Mutex<[String: Metrics.Counter]>([:])
    private let bodyBytes: Metrics.Recorder
    private let inFlight: Metrics.Gauge
    private let samples: [LossKind: Metrics.Counter]

    static let bodyByteBuckets: [Double] = [
        256, 1024, 4096, 16384, 65536, 262_144, 1_048_576, 4_194_304, 16_777_216, 67_108_864,
    ]
    static let durationBuckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5),
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
    ]

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = Self.durationBuckets
        factory.valueHistogramBuckets["http_request_body_bytes"] = Self.bodyByteBuckets
        self.factory = factory
        bodyBytes = Metrics.Recorder(
            label: "http_request_body_bytes", dimensions: [], aggregate: true, factory: factory)
        inFlight = Metrics.Gauge(label: "http_requests_in_flight", dimensions: [], factory: factory)
        var samples: [LossKind: Metrics.Counter] = [:]
        for kind in LossKind.allCases {
            samples[kind] = Metrics.Counter(
                label: "samples_scored_total", dimensions: [("loss", kind.rawValue)], factory: factory)
        }
        self.samples = samples
    }

    /// The factory, for bootstrapping swift-metrics so libraries report into the same registry.
    public var metricsFactory: any MetricsFactory { factory }

    public func observe(_ exchange: Exchange) {
        let statusText = String(exchange.status)
        let key = exchange.route + " " + statusText
        counter(in: requests, key: key) {
            Metrics.Counter(
                label: "http_requests_total", dimensions: [("route", exchange.route), ("status", statusText)],
                factory: factory)
        }.increment()
        let timer = durations.withLock { timers in
            if let timer = timers[exchange.route] { return timer }
            let timer = Metrics.Timer(
                label: "http_request_duration_seconds",
                dimensions: [("route", exchange.route)],
                factory: factory
            )
            timers[exchange.route] = timer
            return timer
        }
        timer.recordNanoseconds(Int64(clamping: exchange.durationNanoseconds))
        bodyBytes.record(exchange.bytesIn)
        if let problem = exchange.problem {
            let reason = problem.reason
            counter(in: rejections, key: reason) {
                Metrics.Counter(label: "requests_rejected_total", dimensions: [("reason", reason)], factory: factory)
            }.increment()
        }
    }

    /// Counts samples scored successfully.
    func recordSamples(_ count: Int, loss: LossKind) {
        samples[loss]?.increment(by: count)
    }

    /// The Prometheus text exposition, with the in-flight gauge read now.
    func exposition(requestsInFlight: Int) -> [UInt8] {
        inFlight.record(requestsInFlight)
        var buffer: [UInt8] = []
        buffer.reserveCapacity(8192)
        registry.emit(into: &buffer)
        return buffer
    }

    private func counter(in cache: borrowing Mutex<[String: Metrics.Counter]>, key: String, make: () -> Metrics.Counter)
        -> Metrics.Counter
    {
        cache.withLock { counters in
            if let counter = counters[key] { return counter }
            let counter = make()
            counters[key] = counter
            return counter
        }
    }
}

extension Problem {
    /// The rejection reason label of a problem: body_too_large, unsupported_media_type, ….
    var reason: String {
        switch status {
        case 413: "body_too_large"
        case 415: "unsupported_media_type"
        case 404: "not_found"
        case 405: "method_not_allowed"
        case 503: "draining"
        case 400: type == ProblemType.invalidJSON.uri ? "invalid_json" : "bad_request"
        case 422:
            type == ProblemType.unknownField.uri
                ? "unknown_field" : (type == ProblemType.limitExceeded.uri ? "limits" : "validation")
        default: "other"
        }
    }
}
