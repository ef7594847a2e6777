/// What is known of a request when its headers have arrived, before its body is read.
public struct RequestHead: Sendable {
    /// The request method, as sent.
    public var method: String
    /// The path, without the query string.
    public var path: String
    /// The Content-Type header, if any.
    public var contentType: String?
    /// The declared body length, when there is exactly one valid Content-Length header.
    public var contentLength: UInt64?
    /// How many Content-Length headers the request carried.
    public var contentLengthCount: Int
    /// The caller's X-Request-Id, if any (validated before it is echoed).
    public var requestID: String?
    /// Whether a Transfer-Encoding header came too.
    public var hasTransferEncoding: Bool
    /// The Content-Encoding header (gzip, …), if any.
    public var contentEncoding: String?

    /// A head as the transport builds it (tests and the fuzzer build their own).
    public init(
        method: String,
        path: String,
        contentType: String?,
        contentLength: UInt64?,
        contentLengthCount: Int,
        requestID: String? = nil,
        hasTransferEncoding: Bool = false,
        contentEncoding: String? = nil
    ) {
        self.method = method
        self.path = path
        self.contentType = contentType
        self.contentLength = contentLength
        self.contentLengthCount = contentLengthCount
        self.requestID = requestID
        self.hasTransferEncoding = hasTransferEncoding
        self.contentEncoding = contentEncoding
    }
}
