/// An RFC 9457 problem: every error answer of the service, as `application/problem+json`.
///
/// The kind (`type`) decides everything but the words: status, title, URI and metric reason.
public struct Problem: Error, Sendable, Equatable {
    /// One offending value: a JSON pointer into the request body and what is wrong there.
    public struct Detail: Sendable, Equatable {
        /// RFC 6901 pointer into the request body ("" for the body as a whole).
        public let pointer: String
        /// What is wrong there, in words a caller can act on.
        public let detail: String
        /// Whether this detail reports a member the service does not know (a 422 made only of
        /// these is typed `unknown-field`).
        public let isUnknownField: Bool

        /// One offending value; `isUnknownField` for members the service does not know.
        public init(pointer: String, detail: String, isUnknownField: Bool = false) {
            self.pointer = pointer
            self.detail = detail
            self.isUnknownField = isUnknownField
        }

        /// The same detail with `prefix` put before its pointer (a field's, a batch job's).
        func under(_ prefix: String) -> Detail {
            Detail(pointer: prefix + pointer, detail: detail, isUnknownField: isUnknownField)
        }
    }

    /// The kind: it decides the status, title, URI and metric reason.
    public let type: ProblemType
    /// What went wrong in this request (the first problem, or a count of them).
    public let detail: String
    /// Each offending value, at most `ValidationProblems.limit`.
    public let errors: [Detail]
    /// For a 415 about `Content-Encoding`: the codings the route takes, sent as `Accept-Encoding`
    /// (RFC 9110 §12.5.3); nil otherwise.
    public var acceptedEncodings: String?

    /// The HTTP status of the answer, owned by the kind.
    public var status: Int { type.status }

    /// A problem of kind `type`; give `errors` whenever the problem lies in the body.
    public init(_ type: ProblemType, detail: String, errors: [Detail] = []) {
        self.type = type
        self.detail = detail
        self.errors = errors
    }
}

/// The kinds of problem the service reports. Each owns its HTTP status, its RFC 9457 `type`
/// URI and title, and the `reason` label it is counted under in `cross_entropy_requests_rejected_total`, so
/// a new kind is one case here and every seam (answers, metrics, logs) follows.
public enum ProblemType: String, Sendable, CaseIterable {
    case invalidJSON = "invalid-json"
    case validation = "validation-failed"
    case unknownField = "unknown-field"
    case notFound = "not-found"
    case methodNotAllowed = "method-not-allowed"
    case unsupportedMediaType = "unsupported-media-type"
    case bodyTooLarge = "body-too-large"
    case badRequest = "bad-request"
    case limitExceeded = "limit-exceeded"
    case draining = "service-unavailable"
    case overloaded = "overloaded"
    case notImplemented = "not-implemented"

    /// The RFC 9457 `type` member.
    public var uri: String { "urn:cross-entropy-service:problem:\(rawValue)" }

    /// The HTTP status of answers of this kind.
    public var status: Int {
        switch self {
        case .invalidJSON, .badRequest: 400
        case .notFound: 404
        case .methodNotAllowed: 405
        case .bodyTooLarge: 413
        case .unsupportedMediaType: 415
        case .validation, .unknownField, .limitExceeded: 422
        case .notImplemented: 501
        case .draining, .overloaded: 503
        }
    }

    /// The RFC 9457 `title`: the same for every problem of the kind.
    public var title: String {
        switch self {
        case .invalidJSON: "The body is not valid JSON of the expected shape"
        case .validation: "The request breaks the rules of the loss"
        case .unknownField: "The request has a field the service does not know"
        case .notFound: "No such route"
        case .methodNotAllowed: "Method not allowed on this route"
        case .unsupportedMediaType: "The body is not in a media type or coding this route takes"
        case .bodyTooLarge: "The body is larger than the service accepts"
        case .badRequest: "Malformed HTTP request"
        case .limitExceeded: "The request is larger than the service's structural limits"
        case .draining: "The service is shutting down"
        case .overloaded: "The service is reading too many bodies at once"
        case .notImplemented: "The service does not implement what the request needs"
        }
    }

    /// The `reason` label of `cross_entropy_requests_rejected_total`.
    public var reason: String {
        switch self {
        case .invalidJSON: "invalid_json"
        case .validation: "validation"
        case .unknownField: "unknown_field"
        case .notFound: "not_found"
        case .methodNotAllowed: "method_not_allowed"
        case .unsupportedMediaType: "unsupported_media_type"
        case .bodyTooLarge: "body_too_large"
        case .badRequest: "bad_request"
        case .limitExceeded: "limits"
        case .draining: "draining"
        case .overloaded: "overloaded"
        case .notImplemented: "not_implemented"
        }
    }
}

extension Problem {
    /// A 422 listing the problems found (at most `ValidationProblems.limit`). `unlisted` counts
    /// the unknown members past the list; scans of values stop at the limit, so a full list
    /// says there may be more.
    static func validation(_ errors: [Detail], unlisted: Int = 0) -> Problem {
        let unknownOnly = !errors.isEmpty && errors.allSatisfy(\.isUnknownField)
        let summary =
            if errors.count == 1 && unlisted == 0 {
                errors[0].detail
            } else if unlisted > 0 {
                "\(errors.count + unlisted) problems in the request; the first \(errors.count) are listed"
            } else if errors.count >= ValidationProblems.limit {
                "\(errors.count) problems listed; there may be more"
            } else {
                "\(errors.count) problems in the request"
            }
        return Problem(unknownOnly ? .unknownField : .validation, detail: summary, errors: errors)
    }
}

extension Problem {
    /// The same problem listing its first `limit` errors, its detail counting them all (a batch
    /// job's error, one of thousands in an answer).
    func listing(atMost limit: Int) -> Problem {
        guard errors.count > limit else { return self }
        let count = errors.count >= ValidationProblems.limit ? "at least \(errors.count)" : "\(errors.count)"
        return Problem(
            type, detail: "\(count) problems in the job; the first \(limit) are listed",
            errors: Array(errors.prefix(limit)))
    }
}

/// A detail can stand alone as a decoding outcome (a tensor's broken rule, below its field).
extension Problem.Detail: Error {}
