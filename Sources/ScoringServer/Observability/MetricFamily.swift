import struct Prometheus.MetricNameDescriptor

/// Every metric family the service exposes, each named and explained once. Handles are made
/// from these descriptors only (swift-prometheus calls `fatalError` when one name is registered
/// twice with different help texts, so no handle may be made anywhere else).
enum MetricFamily: CaseIterable {
    /// The prefix of the service's own families; the `http_*` and `process_*` ones keep the
    /// names every Prometheus client library gives them.
    static let prefix = "cross_entropy"

    case requests
    case requestDuration
    case requestBodyBytes
    case requestsInFlight
    case samplesScored
    case samplesByBand
    case answerLoss
    case requestsRejected
    case memoryBudgetCharged
    case buildInfo
    // Written at scrape time from /proc/self by ProcessMetrics, as the Go and Python clients do.
    case processCPUSeconds
    case processResidentMemory
    case processVirtualMemory
    case processOpenFDs
    case processMaxFDs
    case processStartTime

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
                namespace: MetricFamily.prefix, metricName: "samples_scored", unitName: "total",
                helpText: "Samples scored successfully, by loss and model.")
        case .requestsRejected:
            MetricNameDescriptor(
                namespace: MetricFamily.prefix, metricName: "requests_rejected", unitName: "total",
                helpText: "Requests refused or cut off, by reason (a problem kind, slow_body, or refused_by_library).")
        case .memoryBudgetCharged:
            MetricNameDescriptor(
                namespace: MetricFamily.prefix, metricName: "memory_budget_charged", unitName: "bytes",
                helpText: "Bytes charged to the memory budget now: bodies being read or decoded, answers not yet sent.")
        case .samplesByBand:
            MetricNameDescriptor(
                namespace: MetricFamily.prefix, metricName: "samples_scored_by_band", unitName: "total",
                helpText: "Samples scored successfully, by loss, by the band of the sample's own loss, and by model.")
        case .answerLoss:
            // In bits, but without a `_bits` suffix: promtool takes bits for a non-base unit of bytes.
            MetricNameDescriptor(
                namespace: MetricFamily.prefix, metricName: "answer_loss", unitName: "",
                helpText:
                    "Each answer's loss (each batch job's), converted to bits whatever its base, by loss and model.")
        case .buildInfo:
            MetricNameDescriptor(
                namespace: MetricFamily.prefix, metricName: "service_build_info", unitName: "",
                helpText: "Always 1; the service's version is the label.")
        case .processCPUSeconds:
            MetricNameDescriptor(
                metricName: "process_cpu_seconds", unitName: "total",
                helpText: "Total user and system CPU time spent in seconds.")
        case .processResidentMemory:
            MetricNameDescriptor(
                metricName: "process_resident_memory", unitName: "bytes", helpText: "Resident memory size in bytes.")
        case .processVirtualMemory:
            MetricNameDescriptor(
                metricName: "process_virtual_memory", unitName: "bytes", helpText: "Virtual memory size in bytes.")
        case .processOpenFDs:
            MetricNameDescriptor(
                metricName: "process_open_fds", unitName: "", helpText: "Number of open file descriptors.")
        case .processMaxFDs:
            MetricNameDescriptor(
                metricName: "process_max_fds", unitName: "", helpText: "Maximum number of open file descriptors.")
        case .processStartTime:
            MetricNameDescriptor(
                metricName: "process_start_time", unitName: "seconds",
                helpText: "Start time of the process since unix epoch in seconds.")
        }
    }
}
