import HTTPTransport

/// One route: a path, the method it answers, and how it answers.
struct Route: Sendable {
    enum Handler: Sendable {
        /// A GET answer that never changes.
        case fixed(HTTPResponse)
        /// A GET answer made anew for each request (readiness, metrics).
        case dynamic(@Sendable () -> HTTPResponse)
        /// A POST whose JSON body is read whole, then answered.
        case body(@Sendable (UnsafeRawBufferPointer) -> HTTPResponse)
    }

    let path: String
    let method: String
    let handler: Handler

    /// The methods to list in `Allow` (GET routes answer HEAD too).
    var allowedMethods: [String] { method == "GET" ? ["GET", "HEAD"] : [method] }
}
