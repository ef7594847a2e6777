/// The service's routes, declared once: the router's handlers, `GET /`'s list and the metric
/// route labels all come from these cases.
public enum ServiceRoute: String, CaseIterable, Sendable {
    case index = "/"
    case cce = "/cce"
    case bce = "/bce"
    case cceLines = "/cce/lines"
    case bceLines = "/bce/lines"
    case batch = "/batch"
    case compare = "/compare"
    case bands = "/bands"
    case healthz = "/healthz"
    case readyz = "/readyz"
    case metrics = "/metrics"
    case openAPI = "/openapi.yaml"

    /// The route's path, also its metric label.
    public var path: String { rawValue }

    /// The method the route answers (GET routes answer HEAD too).
    public var method: String {
        switch self {
        case .cce, .bce, .cceLines, .bceLines, .batch, .compare: "POST"
        case .index, .bands, .healthz, .readyz, .metrics, .openAPI: "GET"
        }
    }

    /// Whether `path` is a JSON Lines route (bounded by --max-stream-bytes, not --max-body-bytes).
    public static func streamsLines(_ path: String) -> Bool {
        path == ServiceRoute.cceLines.path || path == ServiceRoute.bceLines.path
    }

    /// The JSON Lines route that scores what `self` scores, without a total size (nil for the
    /// routes that have none).
    public var linesRoute: ServiceRoute? {
        switch self {
        case .cce: .cceLines
        case .bce: .bceLines
        default: nil
        }
    }

    /// The metric label of requests to a path that is no route.
    public static let unmatchedLabel = "unmatched"

    /// Every `route` label a metric can carry.
    public static let metricLabels = allCases.map(\.path) + [unmatchedLabel]
}
