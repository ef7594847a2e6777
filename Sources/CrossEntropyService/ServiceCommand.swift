import ArgumentParser
import HTTPTransport
import Logging
import Metrics
import MicroHTTPDServer
import ScoringServer

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

    // Each option's flag, environment variable, default, range and help: ServiceOptions.
    @Option(name: .customLong(ServiceOptions.host.name), help: ServiceOptions.host.argumentHelp)
    var host: String?

    @Option(name: .customLong(ServiceOptions.port.name), help: ServiceOptions.port.argumentHelp)
    var port: Int?

    @Option(name: .customLong(ServiceOptions.threads.name), help: ServiceOptions.threads.argumentHelp)
    var threads: Int?

    @Option(name: .customLong(ServiceOptions.maxBodyBytes.name), help: ServiceOptions.maxBodyBytes.argumentHelp)
    var maxBodyBytes: Int?

    @Option(
        name: .customLong(ServiceOptions.memoryBudgetBytes.name), help: ServiceOptions.memoryBudgetBytes.argumentHelp)
    var memoryBudgetBytes: Int?

    @Option(
        name: .customLong(ServiceOptions.memoryBudgetPerAddressBytes.name),
        help: ServiceOptions.memoryBudgetPerAddressBytes.argumentHelp)
    var memoryBudgetPerAddressBytes: Int?

    @Option(name: .customLong(ServiceOptions.minBodyRate.name), help: ServiceOptions.minBodyRate.argumentHelp)
    var minBodyRate: Int?

    @Option(name: .customLong(ServiceOptions.maxBodyGap.name), help: ServiceOptions.maxBodyGap.argumentHelp)
    var maxBodyGap: Int?

    @Option(name: .customLong(ServiceOptions.maxAnswerGap.name), help: ServiceOptions.maxAnswerGap.argumentHelp)
    var maxAnswerGap: Int?

    @Option(name: .customLong(ServiceOptions.maxConnections.name), help: ServiceOptions.maxConnections.argumentHelp)
    var maxConnections: Int?

    @Option(
        name: .customLong(ServiceOptions.maxConnectionsPerIp.name),
        help: ServiceOptions.maxConnectionsPerIp.argumentHelp)
    var maxConnectionsPerIp: Int?

    @Option(
        name: .customLong(ServiceOptions.connectionTimeout.name), help: ServiceOptions.connectionTimeout.argumentHelp)
    var connectionTimeout: Int?

    @Option(name: .customLong(ServiceOptions.maxSamples.name), help: ServiceOptions.maxSamples.argumentHelp)
    var maxSamples: Int?

    @Option(name: .customLong(ServiceOptions.maxClasses.name), help: ServiceOptions.maxClasses.argumentHelp)
    var maxClasses: Int?

    @Option(name: .customLong(ServiceOptions.maxElements.name), help: ServiceOptions.maxElements.argumentHelp)
    var maxElements: Int?

    @Option(name: .customLong(ServiceOptions.maxJobs.name), help: ServiceOptions.maxJobs.argumentHelp)
    var maxJobs: Int?

    @Option(name: .customLong(ServiceOptions.maxLineBytes.name), help: ServiceOptions.maxLineBytes.argumentHelp)
    var maxLineBytes: Int?

    @Option(name: .customLong(ServiceOptions.maxStreamBytes.name), help: ServiceOptions.maxStreamBytes.argumentHelp)
    var maxStreamBytes: Int?

    @Option(name: .customLong(ServiceOptions.modelLabels.name), help: ServiceOptions.modelLabels.argumentHelp)
    var modelLabels: String?

    @Option(name: .customLong(ServiceOptions.logLevel.name), help: ServiceOptions.logLevel.argumentHelp)
    var logLevel: String?

    @Option(name: .customLong(ServiceOptions.drainSeconds.name), help: ServiceOptions.drainSeconds.argumentHelp)
    var drainSeconds: Int?

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
        // Block the stop signals before any thread starts (the log's flusher is the first) so
        // that every thread inherits the mask and the signals are only ever taken by sigwait
        // below. They stay blocked after it: a second signal during the drain is left pending,
        // not delivered to a thread that would die of it.
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGTERM)
        sigaddset(&signals, SIGINT)
        pthread_sigmask(SIG_BLOCK, &signals, nil)

        let settings = try Settings.resolve(self, environment: Environment.current)
        let sink = LogSink()
        LoggingSystem.bootstrap { label in JSONLogHandler(label: label, sink: sink, level: settings.logLevel) }
        let metrics = ServiceMetrics(modelLabels: settings.modelLabels)
        MetricsSystem.bootstrap(metrics.metricsFactory)
        let logger = Logger(label: "cross-entropy-service")

        let state = ServiceState()
        let running = Locked<HTTPServer?>(nil)
        let router = ServiceRoutes.router(
            ServiceRoutes.Dependencies(
                limits: settings.limits,
                lineLimits: settings.lineLimits,
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
                    router: router, observers: [metrics, AccessLog(sink: sink, level: settings.logLevel)],
                    logger: Logger(label: "handler"))
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
        if settings.lineLimits.longLinesCrowdTheBudget {
            logger.warning(
                "--max-line-bytes x 20 is more than a quarter of the memory budget: concurrent streams of lines that long wait for each other and may be answered 503; lower --max-line-bytes or raise the budget",
                metadata: [
                    "max_line_bytes": .stringConvertible(settings.lineLimits.maxLineBytes),
                    "memory_budget_bytes": .stringConvertible(Int(clamping: settings.lineLimits.memoryBudget)),
                ])
        }

        var received: Int32 = 0
        sigwait(&signals, &received)
        logger.info("draining", metadata: ["signal": "\(received == SIGTERM ? "SIGTERM" : "SIGINT")"])
        let unfinished = Shutdown.drain(server, state: state, seconds: settings.drainSeconds)
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
