/// Structural limits on one request, so a single request cannot take the machine's memory or
/// minutes of CPU. The body size limit bounds the bytes; these bound the work.
public struct ScoringLimits: Sendable, Equatable {
    /// Samples (rows) in one request or one batch job.
    public var maxSamples: Int
    /// Classes (columns).
    public var maxClasses: Int
    /// Prediction values in one request; for /batch, across all jobs together.
    public var maxElements: Int
    /// Jobs in one /batch request.
    public var maxJobs: Int

    /// Limits sized for a 2-core, few-GiB pod; every one is a flag of the service.
    public init(
        maxSamples: Int = 1_000_000, maxClasses: Int = 1_000_000, maxElements: Int = 16_000_000, maxJobs: Int = 10_000
    ) {
        self.maxSamples = maxSamples
        self.maxClasses = maxClasses
        self.maxElements = maxElements
        self.maxJobs = maxJobs
    }

    /// The service's defaults.
    public static let `default` = ScoringLimits()
}

extension Problem {
    /// A 422 naming the limit that was exceeded and its configuration flag.
    static func limit(_ pointer: String, _ what: String, actual: Int, limit: Int, flag: String) -> Problem {
        let detail = "\(what) is \(actual), over the limit of \(limit) (\(flag))"
        return Problem(
            .limitExceeded,
            detail: detail,
            errors: [Problem.Detail(pointer: pointer, detail: detail)]
        )
    }
}
