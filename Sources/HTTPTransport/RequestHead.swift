/// What is known of a request when its headers have arrived, before its body is read.
public struct RequestHead: Sendable {
    /// The request method, as sent.
    public var method: String
    /// The path, without the query string.
    public var path: String
    /// The request target after its first `?`, as sent (not percent-decoded); nil when there is none.
    public var query: String?
    /// The Content-Type header, if any.
    public var contentType: String?
    /// The declared body length (the transport refuses repeated or malformed Content-Length
    /// headers, and both framings at once, before any route sees the head).
    public var contentLength: UInt64?
    /// The caller's X-Request-Id, if any (validated before it is echoed).
    public var requestID: String?
    /// The Content-Encoding header (gzip, …), if any.
    public var contentEncoding: String?
    /// The client's IP address as text, when the transport knows it (for the access log).
    public var clientAddress: String?

    /// A head as the transport builds it (tests and the fuzzer build their own).
    public init(
        method: String,
        path: String,
        contentType: String?,
        contentLength: UInt64?,
        requestID: String? = nil,
        contentEncoding: String? = nil,
        clientAddress: String? = nil,
        query: String? = nil
    ) {
        self.method = method
        self.path = path
        self.contentType = contentType
        self.contentLength = contentLength
        self.requestID = requestID
        self.contentEncoding = contentEncoding
        self.clientAddress = clientAddress
        self.query = query
    }
}

extension RequestHead {
    /// The path of a request target sent in absolute form (`http://host/cce`, which RFC 9112
    /// §3.2.2 says a server must accept), as the origin form (`/cce`) gives it; any other path
    /// as it is. The query is already apart.
    public static func originPath(_ path: String) -> String {
        guard path.utf8.first != UInt8(ascii: "/") else { return path }  // the origin form: the common case
        let scheme = path.prefix(8).lowercased()
        let schemeLength = scheme.hasPrefix("http://") ? 7 : scheme.hasPrefix("https://") ? 8 : 0
        guard schemeLength > 0 else { return path }
        let authorityAndPath = path.dropFirst(schemeLength)
        guard let slash = authorityAndPath.firstIndex(of: "/") else { return "/" }
        return String(authorityAndPath[slash...])
    }
}
