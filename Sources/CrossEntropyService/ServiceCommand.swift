import ArgumentParser
import ScoringServer

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `cross-entropy-service`: parses flags (environment variables as fallbacks), starts the
/// server, prints where it listens, and drains gracefully on SIGTERM or SIGINT.
@main
struct ServiceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cross-entropy-service",
        abstract: "HTTP service that scores predictions with categorical and binary cross-entropy."
    )

    @Option(help: "Address to listen on (env HOST; default 0.0.0.0).")
    var host: String?

    @Option(help: "Port to listen on; 0 picks a free one (env PORT; default 8080).")
    var port: Int?

    @Option(help: "Threads serving requests (env THREADS; default: the number of cores).")
    var threads: Int?

    @Option(help: "Largest request body accepted, in bytes (env MAX_BODY_BYTES; default 67108864).")
    var maxBodyBytes: Int?

    @Option(help: "Most connections open at once; 0 keeps libmicrohttpd's default (env MAX_CONNECTIONS).")
    var maxConnections: Int?

    @Option(help: "Seconds an idle connection is kept; 0 keeps it for ever (env CONNECTION_TIMEOUT; default 30).")
    var connectionTimeout: Int?

    @Option(help: "Seconds to let requests in flight finish after SIGTERM or SIGINT.")
    var drainSeconds: Int = 10

    static func main() {
        do {
            let command = try parse()
            try command.run()
        } catch {
            // --help and --version exit 0; any invalid value is one line and exit code 2.
            if exitCode(for: error) == .success { exit(withError: error) }
            writeLine(message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid arguments", to: 2)
            Glibc.exit(2)
        }
    }

    func run() throws {
        let configuration = try Settings.resolve(self, environment: Environment.current)
        // Block the stop signals before any thread starts so that every thread inherits the
        // mask and the signals are only ever taken by sigwait below.
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGTERM)
        sigaddset(&signals, SIGINT)
        pthread_sigmask(SIG_BLOCK, &signals, nil)

        let server: HTTPServer
        do {
            server = try HTTPServer(
                configuration: configuration,
                router: ServiceRoutes.router(maxBodyBytes: configuration.maxBodyBytes)
            )
        } catch {
            ServiceCommand.writeLine("cannot start: \(error)", to: 2)
            Glibc.exit(1)
        }
        ServiceCommand.writeLine("listening on http://\(displayHost(configuration.host)):\(server.port)", to: 1)

        var received: Int32 = 0
        sigwait(&signals, &received)
        Shutdown.drain(server, seconds: drainSeconds)
    }

    /// IPv6 addresses go in brackets in a URL.
    private func displayHost(_ host: String) -> String {
        host.contains(":") ? "[\(host)]" : host
    }

    /// Writes one line straight to a file descriptor: no stdio buffer to flush.
    static func writeLine(_ text: String, to descriptor: Int32) {
        var line = Array((text + "\n").utf8)
        line.withUnsafeMutableBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written <= 0 { break }
                offset += written
            }
        }
    }
}
