/// Everything the HTTP server needs to start.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: UInt16
    public var threads: Int
    public var maxBodyBytes: UInt64
    /// All bodies being read at once, together (0: no limit). Past it, requests get 503 and a
    /// Retry-After instead of growing the process towards its memory limit.
    public var maxBufferedBytes: UInt64
    /// 0 keeps libmicrohttpd's default (about 1020).
    public var connectionLimit: Int
    /// 0 means no per-address limit.
    public var perIPConnectionLimit: Int
    /// Seconds of inactivity before a connection is closed; 0 means never.
    public var connectionTimeout: Int

    public static let defaultMaxBodyBytes: UInt64 = 64 * 1024 * 1024
    /// 16 bodies of the largest size.
    public static let defaultMaxBufferedBytes: UInt64 = 1024 * 1024 * 1024

    public init(
        host: String = "0.0.0.0",
        port: UInt16 = 8080,
        threads: Int = 2,
        maxBodyBytes: UInt64 = ServerConfiguration.defaultMaxBodyBytes,
        maxBufferedBytes: UInt64 = ServerConfiguration.defaultMaxBufferedBytes,
        connectionLimit: Int = 0,
        perIPConnectionLimit: Int = 0,
        connectionTimeout: Int = 30
    ) {
        self.host = host
        self.port = port
        self.threads = threads
        self.maxBodyBytes = maxBodyBytes
        self.maxBufferedBytes = maxBufferedBytes
        self.connectionLimit = connectionLimit
        self.perIPConnectionLimit = perIPConnectionLimit
        self.connectionTimeout = connectionTimeout
    }
}
