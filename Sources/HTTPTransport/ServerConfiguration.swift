#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Everything the HTTP server needs to start. The defaults below are the service's: its
/// options (CrossEntropyService's `ServiceOptions`) read them from here.
public struct ServerConfiguration: Sendable {
    /// Address or name to listen on.
    public var host: String
    /// Port to listen on; 0 picks a free one.
    public var port: UInt16
    /// Polling threads; each serves its connections in turn, so this is also how many bodies
    /// are decoded at once.
    public var threads: Int
    /// Bodies past this are refused (413) and never buffered.
    public var maxBodyBytes: UInt64
    /// Memory charged by all requests at once, together (0: no limit): a body costs its buffer
    /// while it arrives, then its bytes times the application's factor until answered; each
    /// answer its bytes until the client has read it. Past it, 503 with Retry-After (at the end
    /// of the body, or at its headers when the client waits for 100 Continue); a charge larger
    /// than the whole budget, 413 at the headers.
    public var memoryBudgetBytes: UInt64
    /// The most one client address may have charged at once (0: no per-address limit).
    public var memoryBudgetPerAddressBytes: UInt64
    /// 0 keeps libmicrohttpd's default (about 1020).
    public var connectionLimit: Int
    /// 0 means no per-address limit.
    public var perIPConnectionLimit: Int
    /// Seconds of inactivity before a connection is closed; 0 means never.
    public var connectionTimeout: Int
    /// Bytes per second a body must arrive at, measured over windows of `maxBodyGap` (0: off).
    public var minBodyRate: UInt64
    /// Seconds a body may go without a byte (0: the connection timeout applies).
    public var maxBodyGap: Int
    /// Seconds a queued answer may go without the client taking a byte (0: the connection
    /// timeout applies): an answer holds its memory charge until it is sent.
    public var maxAnswerGap: Int

    /// Every IPv4 address.
    public static let defaultHost = "0.0.0.0"
    public static let defaultPort: UInt16 = 8080
    /// One polling thread per core.
    public static let defaultThreads = max(Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), 1)
    /// Seconds an idle connection is kept.
    public static let defaultConnectionTimeout = 30
    /// 64 MiB.
    public static let defaultMaxBodyBytes: UInt64 = 64 * 1024 * 1024
    /// One largest body at the service's largest factor (64 MiB × 40 = 2.5 GiB, ScoringServer's
    /// MemoryCharge) fits, with room for small requests beside it.
    public static let defaultMemoryBudgetBytes: UInt64 = 3 * 1024 * 1024 * 1024
    /// 2 Mbit/s: a fraction of any link between services; only a stalled or hostile peer is slower.
    public static let defaultMinBodyRate: UInt64 = 256 * 1024
    /// Seconds a body may pause.
    public static let defaultMaxBodyGap = 10
    /// Seconds an answer may wait for its reader: a client that takes nothing for this long
    /// gives its answer's charge back (RELIABILITY.md, "Answers nobody reads").
    public static let defaultMaxAnswerGap = 10

    /// Defaults for a service on its own machine; the shipped manifest sets its own.
    public init(
        host: String = ServerConfiguration.defaultHost,
        port: UInt16 = ServerConfiguration.defaultPort,
        threads: Int = ServerConfiguration.defaultThreads,
        maxBodyBytes: UInt64 = ServerConfiguration.defaultMaxBodyBytes,
        memoryBudgetBytes: UInt64 = ServerConfiguration.defaultMemoryBudgetBytes,
        memoryBudgetPerAddressBytes: UInt64 = 0,
        connectionLimit: Int = 0,
        perIPConnectionLimit: Int = 0,
        connectionTimeout: Int = ServerConfiguration.defaultConnectionTimeout,
        minBodyRate: UInt64 = ServerConfiguration.defaultMinBodyRate,
        maxBodyGap: Int = ServerConfiguration.defaultMaxBodyGap,
        maxAnswerGap: Int = ServerConfiguration.defaultMaxAnswerGap
    ) {
        self.host = host
        self.port = port
        self.threads = threads
        self.maxBodyBytes = maxBodyBytes
        self.memoryBudgetBytes = memoryBudgetBytes
        self.memoryBudgetPerAddressBytes = memoryBudgetPerAddressBytes
        self.connectionLimit = connectionLimit
        self.perIPConnectionLimit = perIPConnectionLimit
        self.connectionTimeout = connectionTimeout
        self.minBodyRate = minBodyRate
        self.maxBodyGap = maxBodyGap
        self.maxAnswerGap = maxAnswerGap
    }
}
