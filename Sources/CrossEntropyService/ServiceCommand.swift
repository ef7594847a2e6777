import ArgumentParser
import HTTPTransport
import Logging
import Metrics
import MicroHTTPDServer
import ScoringServer
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `cross-entropy-service`: parses flags (environment variables as fallbacks), starts the
/// server, prints where it listens, and drains gracefully on SIGTERM or SIGINT.
/// `cross-entropy-service healthcheck` probes a running one (for container HEALTHCHECKs).
@main
struct ServiceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cross-entropy-service",
        abstract: "HTTP service that scores predictions with categorical and binary cross-entropy.",
        discussion: """
            Flags win over environment variables, which win over defaults. Invalid values exit with code 2.
            `cross-entropy-service healthcheck [--port N]` probes GET /healthz and exits 0 or 1.
            """
    )

    @Option(help: "Address to listen on (env HOST; default 0.0.0.0).")
    var host: String?

    @Option(help: "Port to listen on; 0 picks a free one (env PORT; default 8080).")
    var port: Int?

    @Option(help: "Threads serving requests (env THREADS; default: the number of cores).")
    var threads: Int?

    @Option(help: "Largest request body accepted, in bytes (env MAX_BODY_BYTES; default 67108864).")
    var maxBodyBytes: Int?

    @Option(
        help:
            "Memory all requests may be charged at once: each body × its route's decoding factor until answered, plus answers not yet read; past it, 503 with Retry-After, beyond it whole, 413; 0 for no limit (env MEMORY_BUDGET_BYTES; default 3221225472)."
    )
    var memoryBudgetBytes: Int?

    @Option(
        help:
            "The most of the memory budget one client address may hold; 0 for no limit (env MEMORY_BUDGET_PER_ADDRESS_BYTES; default 0)."
    )
    var memoryBudgetPerAddressBytes: Int?

    @Option(
        help:
            "Bytes per second a request body must arrive at, over windows of --max-body-gap; slower connections are closed; 0 turns it off (env MIN_BODY_RATE; default 262144)."
    )
    var minBodyRate: Int?

    @Option(
        help:
            "Seconds a request body may go without a byte before the connection is closed; 0 leaves it to --connection-timeout (env MAX_BODY_GAP; default 10)."
    )
    var maxBodyGap: Int?

    @Option(help: "Most connections open at once; 0 keeps libmicrohttpd's default (env MAX_CONNECTIONS).")
    var maxConnections: Int?

    @Option(help: "Most connections from one address; 0 for no limit (env MAX_CONNECTIONS_PER_IP; default 0).")
    var maxConnectionsPerIp: Int?

    @Option(help: "Seconds an idle connection is kept; 0 keeps it for ever (env CONNECTION_TIMEOUT; default 30).")
    var connectionTimeout: Int?

    @Option(help: "Most samples (rows) in one request or batch job (env MAX_SAMPLES; default 1000000).")
    var maxSamples: Int?

    @Option(help: "Most classes (columns) (env MAX_CLASSES; default 1000000).")
    var maxClasses: Int?

    @Option(
        help: "Most prediction values in one request, all batch jobs together (env MAX_ELEMENTS; default 16000000).")
    var maxElements: Int?

    @Option(help: "Most jobs in one /batch request (env MAX_JOBS; default 10000).")
    var maxJobs: Int?

    @Option(help: "trace, debug, info, notice, warning, error or critical (env LOG_LEVEL; default info).")
    var logLevel: String?

    @Option(help: "Seconds to let requests in flight finish after SIGTERM or SIGINT.")
    var drainSeconds: Int = 10

    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "healthcheck" {
            HealthcheckCommand.main(Array(arguments.dropFirst()))
        }
        do {
            let command = try parse(arguments)
            try command.run()
        } catch {
            // --help exits 0; any invalid value is one line on stderr and exit code 2.
            if exitCode(for: error) == .success { exit(withError: error) }
            let message = message(for: error).split(separator: "\n").first.map(String.init)
            writeLine(message ?? "invalid arguments", to: 2)
            Glibc.exit(2)
        }
    }

    func run() throws {
        let settings = try Settings.resolve(self, environment: Environment.current)
        let sink = LogSink()
        LoggingSystem.bootstrap { label in JSONLogHandler(label: label, sink: sink, level: settings.logLevel) }
        let metrics = ServiceMetrics()
        MetricsSystem.bootstrap(metrics.metricsFactory)
        let logger = Logger(label: "cross-entropy-service")

        // Block the stop signals before any thread starts so that every thread inherits the
        // mask and the signals are only ever taken by sigwait below.
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGTERM)
        sigaddset(&signals, SIGINT)
        pthread_sigmask(SIG_BLOCK, &signals, nil)

        let state = ServiceState()
        let running = Mutex<HTTPServer?>(nil)
        let router = ServiceRoutes.router(
            ServiceRoutes.Dependencies(
                limits: settings.limits,
                transport: settings.server,
                state: state,
                metrics: metrics,
                requestsInFlight: { running.withLock { $0?.requestsInFlight ?? 0 } },
                memoryCharged: { running.withLock { $0?.memoryCharged ?? 0 } }
            )
        )
        let server: HTTPServer
        do {
            server = try HTTPServer(
                configuration: settings.server,
                application: ScoringApplication(
                    router: router, observers: [metrics, AccessLog(logger: Logger(label: "access"))])
            )
        } catch {
            ServiceCommand.writeLine("cannot start: \(error)", to: 2)
            Glibc.exit(1)
        }
        running.withLock { $0 = server }
        MemoryTrimmer.start()
        // Written straight to the descriptor (never buffered) so a supervisor sees it at once.
        ServiceCommand.writeLine("listening on http://\(displayHost(settings.server.host)):\(server.port)", to: 1)
        logger.info(
            "started",
            metadata: [
                "port": .stringConvertible(Int(server.port)),
                "threads": .stringConvertible(settings.server.threads),
                "version": .string(ServiceRoutes.version),
            ]
        )

        var received: Int32 = 0
        sigwait(&signals, &received)
        logger.info("draining", metadata: ["signal": "\(received == SIGTERM ? "SIGTERM" : "SIGINT")"])
        let unfinished = Shutdown.drain(server, state: state, seconds: drainSeconds)
        running.withLock { $0 = nil }
        if unfinished > 0 {
            logger.warning("stopped with requests unfinished", metadata: ["requests": .stringConvertible(unfinished)])
        } else {
            logger.info("stopped")
        }
        sink.flush()
    }

    /// IPv6 addresses go in brackets in a URL.
    private func displayHost(_ host: String) -> String {
        host.contains(":") ? "[\(host)]" : host
    }

    /// Writes one line straight to a file descriptor: no stdio buffer to flush.
    static func writeLine(_ text: String, to descriptor: Int32) {
        let line = Array((text + "\n").utf8)
        line.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written <= 0 { break }
                offset += written
            }
        }
    }
}
