import HTTPTransport

/// `POST /cce/lines` and `POST /bce/lines` at the headers: the media type, the coding and the
/// query options are checked before any byte of the body is read, and the body's consumer is
/// made. The transport's body-chunk phase feeds it (`Admission.stream`).
/// `ServiceRoutes` wires it as `Route.Handler.stream`: a failure is the answer at the headers.
public struct LinesEndpoint: Sendable {
    /// The media types a stream is sent as.
    public static let mediaTypes = ["application/x-ndjson", "application/jsonl"]

    let loss: LossKind
    let limits: ScoringLimits
    let lineLimits: LineLimits
    let metrics: ServiceMetrics?

    /// The endpoint of `path` ("/cce/lines" or "/bce/lines"; nil for any other path).
    public init?(
        path: String, limits: ScoringLimits = .default, lineLimits: LineLimits = .default, metrics: ServiceMetrics?
    ) {
        switch path {
        case "/cce/lines": loss = .cce
        case "/bce/lines": loss = .bce
        default: return nil
        }
        self.limits = limits
        self.lineLimits = lineLimits
        self.metrics = metrics
    }

    /// The consumer of the request's body, or the problem to answer at once: `query` is the
    /// request target after `?` (undecoded; nil when there is none).
    public func admit(_ head: RequestHead, query: String?) -> Result<any BodyStream, Problem> {
        let mediaType = (head.contentType ?? "").split(separator: ";").first.map {
            $0.trimmingSpaces.lowercased()
        }
        guard let mediaType, Self.mediaTypes.contains(mediaType) else {
            return .failure(
                Problem(
                    .unsupportedMediaType,
                    detail: "\(head.path) takes JSON Lines: Content-Type application/x-ndjson or application/jsonl"))
        }
        if let refusal = MediaTypeRules.charsetRefusal(head.contentType ?? "") { return .failure(refusal) }
        let coding = head.contentEncoding.map { $0.trimmingSpaces.lowercased() } ?? "identity"
        guard coding == "identity" || coding == "gzip" || coding == "x-gzip" else {
            var problem = Problem(
                .unsupportedMediaType,
                detail:
                    "Content-Encoding '\(ClientText.cut(coding))' is not supported on \(head.path); send gzip or none")
            problem.acceptedEncodings = "gzip, identity"
            return .failure(problem)
        }
        switch LineOptions.parse(query: query, kind: loss) {
        case .failure(let problem): return .failure(problem)
        case .success(let options):
            return .success(
                LinesStream(
                    kind: loss, options: options, limits: lineLimits, scoringLimits: limits, metrics: metrics,
                    gzip: coding != "identity"))
        }
    }
}

extension Substring {
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}

extension String {
    fileprivate var trimmingSpaces: String { self[...].trimmingSpaces }
}
