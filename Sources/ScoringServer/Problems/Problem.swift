/// An RFC 9457 problem: every error answer of the service, as `application/problem+json`.
public struct Problem: Error, Sendable, Equatable {
    /// One offending value: a JSON pointer into the request body and what is wrong there.
    public struct Detail: Sendable, Equatable {
        public let pointer: String
        public let detail: String

        public init(pointer: String, detail: String) {
            self.pointer = pointer
            self.detail = detail
        }
    }

    public let status: Int
    public let type: String
    public let title: String
    public let detail: String
    public let errors: [Detail]

    public init(status: Int, type: ProblemType, detail: String, errors: [Detail] = []) {
        self.status = status
        self.type = type.uri
        self.title = type.title
        self.detail = detail
        self.errors = errors
    }
}

/// The kinds of problem the service reports; `uri` is the RFC 9457 `type` member.
public enum ProblemType: String, Sendable {
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

    public var uri: String { "urn:cross-entropy-service:problem:\(rawValue)" }

    public var title: String {
        switch self {
        case .invalidJSON: "The body is not valid JSON of the expected shape"
        case .validation: "The request breaks the rules of the loss"
        case .unknownField: "The request has a field the service does not know"
        case .notFound: "No such route"
        case .methodNotAllowed: "Method not allowed on this route"
        case .unsupportedMediaType: "The body must be JSON"
        case .bodyTooLarge: "The body is larger than the service accepts"
        case .badRequest: "Malformed HTTP request"
        case .limitExceeded: "The request is larger than the service's structural limits"
        case .draining: "The service is shutting down"
        case .overloaded: "The service is reading too many bodies at once"
        case .notImplemented: "The service does not implement what the request needs"
        }
    }
}

extension Problem {
    /// A 422 listing every problem found (at most `ValidationProblems.limit`).
    static func validation(_ errors: [Detail]) -> Problem {
        let unknownOnly = errors.allSatisfy { $0.detail.hasPrefix(FieldSuggestion.unknownFieldPrefix) }
        let summary = errors.count == 1 ? errors[0].detail : "\(errors.count) problems in the request"
        return Problem(status: 422, type: unknownOnly ? .unknownField : .validation, detail: summary, errors: errors)
    }
}
