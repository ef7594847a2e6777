/// Whether `actual` is within `relative` of `expected` (relative to the larger magnitude of the
/// two) or within `absolute`; false when either is missing. The one closeness check of the tests.
public func isClose(_ actual: Double?, _ expected: Double?, relative: Double = 1e-12, absolute: Double = 1e-300)
    -> Bool
{
    guard let actual, let expected else { return false }
    return abs(actual - expected) <= max(relative * max(abs(actual), abs(expected)), absolute)
}

/// The value of one series (`name{labels}` exactly as exposed, or a bare name) in a Prometheus
/// text exposition; nil when the series is not there.
public func metricValue(_ exposition: String, _ series: String) -> Double? {
    for line in exposition.split(separator: "\n") where line.hasPrefix(series + " ") {
        return Double(line.dropFirst(series.count + 1))
    }
    return nil
}

/// The head of a JSON request as a raw socket sends it: the request line, `Host: x`,
/// `Content-Type: application/json`, then each of `headers` (without its CRLF), then the blank
/// line. Tests of framing and budgets write their bodies (or nothing) after it.
public func jsonRequestHead(_ method: String, _ path: String, _ headers: String...) -> String {
    "\(method) \(path) HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + headers.map { $0 + "\r\n" }.joined() + "\r\n"
}
