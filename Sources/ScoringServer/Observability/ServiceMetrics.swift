import CrossEntropy
import HTTPTransport
import Metrics

import class Prometheus.Counter
import typealias Prometheus.DurationHistogram
import class Prometheus.Gauge
import class Prometheus.PrometheusCollectorRegistry
import struct Prometheus.PrometheusMetricsFactory
import typealias Prometheus.ValueHistogram

/// The service's metrics, in a Prometheus registry exposed as text by GET /metrics.
///
/// Every handle (each route × status, each rejection reason, each loss × model label) is made
/// up front from the route table, the problem kinds and the model allow-list, so a request costs a few atomic increments (no
/// registry look-up, no lock, no string building), and no handle is ever made lazily.
public final class ServiceMetrics: ExchangeObserver, Sendable {
    /// The registry every handle lives in; `GET /metrics` emits it.
    public let registry: PrometheusCollectorRegistry
    private let routes: [String: RouteMetrics]
    private let rejections: [String: Counter]
    private let bodyBytes: ValueHistogram
    private let inFlight: Gauge
    private let memoryCharged: Gauge
    /// The model-quality handles of each allowed model name, and of `other` and `none`.
    private let quality: [String: QualitySeries]
    private let unlistedQuality: QualitySeries
    private let absentQuality: QualitySeries

    /// Every status an answer can have: 200, and each problem kind's.
    static let statuses = Array(Set([200] + ProblemType.allCases.map(\.status))).sorted()
    /// Every `reason` of `cross_entropy_requests_rejected_total`: each problem kind's, and the closes without
    /// an answer that are counted (slow bodies, the library's own refusals).
    static let reasons = Array(
        Set(
            ProblemType.allCases.map(\.reason)
                + FinishedExchange.CloseReason.allCases.filter(\.isRefusal).map(\.rawValue))
    )
    .sorted()
    static let bodyByteBuckets: [Double] = [
        256, 1024, 4096, 16384, 65536, 262_144, 1_048_576, 4_194_304, 16_777_216, 67_108_864,
    ]
    /// Around the band edges in bits: CCE 0.152 (p = 0.9), 0.515 (p = 0.7), 1, log2(3); BCE
    /// 0.5, 1 and 2.
    static let lossBitBuckets: [Double] = [0.01, 0.05, 0.152, 0.5, 0.515, 1, 1.585, 2, 4, 8, 16]
    /// Every band of each loss, so every `cross_entropy_samples_scored_by_band_total` series is made up front.
    static let bands: [LossKind: [String]] = [
        .cce: CategoricalBand.allCases.map(\.rawValue), .bce: BinaryBand.allCases.map(\.rawValue),
    ]
    static let durationBuckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5),
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
    ]

    /// The handles of one route.
    private struct RouteMetrics: Sendable {
        let duration: DurationHistogram
        let byStatus: [Int: Counter]
    }

    /// The model-quality handles of one `model` label value and one loss: samples, samples by
    /// band (a handful: a scan of the names costs less than hashing them) and the answer loss.
    private struct LossSeries: Sendable {
        let samples: Counter
        let byBand: [(band: String, counter: Counter)]
        let answerLoss: ValueHistogram

        init(kind: LossKind, model: String, registry: PrometheusCollectorRegistry) {
            samples = registry.makeCounter(
                descriptor: MetricFamily.samplesScored.descriptor, labels: [("loss", kind.rawValue), ("model", model)])
            byBand = (ServiceMetrics.bands[kind] ?? []).map { band in
                (
                    band,
                    registry.makeCounter(
                        descriptor: MetricFamily.samplesByBand.descriptor,
                        labels: [("loss", kind.rawValue), ("band", band), ("model", model)])
                )
            }
            answerLoss = registry.makeValueHistogram(
                descriptor: MetricFamily.answerLoss.descriptor, labels: [("loss", kind.rawValue), ("model", model)],
                buckets: ServiceMetrics.lossBitBuckets)
        }
    }

    /// The model-quality handles of one `model` label value, for each loss.
    private struct QualitySeries: Sendable {
        let cce: LossSeries
        let bce: LossSeries

        init(model: String, registry: PrometheusCollectorRegistry) {
            cce = LossSeries(kind: .cce, model: model, registry: registry)
            bce = LossSeries(kind: .bce, model: model, registry: registry)
        }

        subscript(kind: LossKind) -> LossSeries { kind == .cce ? cce : bce }
    }

    /// Makes every handle up front in `registry`, the model-quality ones for each of
    /// `modelLabels`' values; make one per process (a second instance on the same registry
    /// reuses the same series).
    public init(
        registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(), modelLabels: ModelLabels = ModelLabels()
    ) {
        self.registry = registry
        var routes: [String: RouteMetrics] = [:]
        for route in ServiceRoute.metricLabels {
            var byStatus: [Int: Counter] = [:]
            for status in Self.statuses {
                byStatus[status] = registry.makeCounter(
                    descriptor: MetricFamily.requests.descriptor,
                    labels: [("route", route), ("status", String(status))])
            }
            let duration = registry.makeDurationHistogram(
                descriptor: MetricFamily.requestDuration.descriptor, labels: [("route", route)],
                buckets: Self.durationBuckets)
            routes[route] = RouteMetrics(duration: duration, byStatus: byStatus)
        }
        self.routes = routes
        var rejections: [String: Counter] = [:]
        for reason in Self.reasons {
            rejections[reason] = registry.makeCounter(
                descriptor: MetricFamily.requestsRejected.descriptor, labels: [("reason", reason)])
        }
        self.rejections = rejections
        bodyBytes = registry.makeValueHistogram(
            descriptor: MetricFamily.requestBodyBytes.descriptor, buckets: Self.bodyByteBuckets)
        inFlight = registry.makeGauge(descriptor: MetricFamily.requestsInFlight.descriptor)
        memoryCharged = registry.makeGauge(descriptor: MetricFamily.memoryBudgetCharged.descriptor)
        var quality: [String: QualitySeries] = [:]
        for model in modelLabels.allowed { quality[model] = QualitySeries(model: model, registry: registry) }
        self.quality = quality
        unlistedQuality = QualitySeries(model: ModelLabels.unlisted, registry: registry)
        absentQuality = QualitySeries(model: ModelLabels.absent, registry: registry)
        registry.makeGauge(
            descriptor: MetricFamily.buildInfo.descriptor, labels: [("version", ServiceRoutes.version)]
        ).set(Int64(1))
    }

    /// A swift-metrics factory over the same registry, for libraries that report through
    /// swift-metrics. The service's own handles never go through it.
    public var metricsFactory: any MetricsFactory { PrometheusMetricsFactory(registry: registry) }

    /// Counts the exchange: by route and status, its duration and body size, and its rejection
    /// reason if any. A few atomic increments.
    public func observe(_ exchange: FinishedExchange) {
        if let closed = exchange.closed {  // no answer: a rejection, not a request answered
            if closed.isRefusal { rejections[closed.rawValue]?.increment() }  // a client leaving is not one
            return
        }
        // Every route label and status is made up front; anything else would be a bug, and is
        // left uncounted rather than registered lazily.
        if let route = routes[exchange.route] {
            route.byStatus[exchange.status]?.increment()
            route.duration.recordNanoseconds(Int64(clamping: exchange.durationNanoseconds))
        }
        bodyBytes.record(Double(exchange.bytesIn))
        if let failure = exchange.failure {
            rejections[failure.reason]?.increment()
        }
    }

    /// Counts one answer's (one batch job's) samples, in all and by band, and its loss in bits,
    /// under its model's label (`other` for a name not allowed at start-up, `none` for no name).
    func recordScored(_ tally: ScoringTally, samples count: Int, loss: LossKind, model: String?) {
        let series = (model.map { quality[$0] ?? unlistedQuality } ?? absentQuality)[loss]
        series.samples.increment(by: Int64(count))
        for (band, bandCount) in tally.samplesByBand {
            series.byBand.first { $0.band == band }?.counter.increment(by: Int64(bandCount))
        }
        if let bits = tally.lossBits, !bits.isNaN {
            series.answerLoss.record(Swift.min(bits, Self.lossBitsCap))
        }
    }

    /// The largest loss the histogram records; larger ones (a loss finite in its own base can
    /// be infinite in bits) are recorded as this. 2^63 answers of 2^900 bits sum to 2^963, so
    /// `_sum` stays finite for the life of the process, and the text format has no `inf`.
    static let lossBitsCap = 0x1p900

    /// The Prometheus text exposition, with the in-flight and memory-budget gauges and the
    /// process figures read now.
    func exposition(requestsInFlight: Int, memoryCharged charged: UInt64 = 0) -> [UInt8] {
        inFlight.set(Int64(requestsInFlight))
        memoryCharged.set(Int64(clamping: charged))
        var buffer: [UInt8] = []
        buffer.reserveCapacity(32768)
        registry.emit(into: &buffer)
        buffer += ProcessMetrics.exposition()
        return buffer
    }
}
