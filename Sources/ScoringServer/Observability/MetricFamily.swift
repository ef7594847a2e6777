import struct Prometheus.MetricNameDescriptor

/// Every metric family the service exposes, each named and explained once. Handles are made
/// from these descriptors only (swift-prometheus calls `fatalError` when one name is registered
/// twice with different help texts, so no handle may be made anywhere else).
enum MetricFamily: CaseIterable {
    case requests
    case requestDuration
    case requestBodyBytes
    case requestsInFlight
    case samplesScored
    case requestsRejected
    case memoryBudgetCharged

    var descriptor: MetricNameDescriptor {
        switch self {
        case .requests:
            MetricNameDescriptor(
                metricName: "http_requests", unitName: "total",
                helpText: "HTTP requests answered, by route (unmatched for unknown paths) and status.")
        case .requestDuration:
            MetricNameDescriptor(
                metricName: "http_request_duration", unitName: "seconds",
                helpText: "Time from a request's headers to its answer being queued, by route.")
        case .requestBodyBytes:
            MetricNameDescriptor(
                metricName: "http_request_body", unitName: "bytes", helpText: "Sizes of the request bodies read.")
        case .requestsInFlight:
            MetricNameDescriptor(
                metricName: "http_requests_in_flight", unitName: "",
                helpText: "Requests whose headers have arrived and whose answer is not yet complete.")
        case .samplesScored:
            MetricNameDescriptor(
                metricName: "samples_scored", unitName: "total", helpText: "Samples scored successfully, by loss.")
        case .requestsRejected:
            MetricNameDescriptor(
                metricName: "requests_rejected", unitName: "total",
                helpText: "Requests refused or cut off, by reason (a problem kind, or slow_body).")
        case .memoryBudgetCharged:
            MetricNameDescriptor(
                metricName: "memory_budget_charged", unitName: "bytes",
                helpText: "Bytes charged to the memory budget now: bodies being read or decoded, answers not yet sent.")
        }
    }
}
