/// What is known of a request when its headers have arrived, before its body is read.
public struct RequestHead: Sendable {
    public var method: String
    public var path: String
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
