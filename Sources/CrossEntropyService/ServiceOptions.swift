import ArgumentParser
import HTTPTransport
import ScoringServer

/// Every setting of the service, each declared once: its flag, environment variable, default,
/// accepted values and help. `ServiceCommand` takes its options' names and help from here (so
/// `--help` shows each one's environment variable and default), `Settings` resolves them with
/// it, and LifecycleTests checks the README's option table, the Dockerfile and the Kubernetes
/// manifest against that `--help`. Default values live beside what they configure
/// (`ServerConfiguration`, `ScoringLimits`) and are read from there.
enum ServiceOptions {
    static let host = TextOption(
        name: "host", defaultValue: ServerConfiguration.defaultHost,
        help: "Address to listen on: IPv4, IPv6 or a name")
    static let port = IntegerOption(
        name: "port", defaultValue: Int(ServerConfiguration.defaultPort), range: 0...65535,
        help: "Port to listen on; 0 picks a free one")
    static let threads = IntegerOption(
        name: "threads", defaultValue: ServerConfiguration.defaultThreads, shownDefault: "the number of cores",
        range: 1...1024, help: "Threads serving requests")
    static let maxBodyBytes = IntegerOption(
        name: "max-body-bytes", defaultValue: Int(ServerConfiguration.defaultMaxBodyBytes), range: 1...(1 << 40),
        help: "Largest request body accepted, in bytes")
    static let memoryBudgetBytes = IntegerOption(
        name: "memory-budget-bytes", defaultValue: Int(ServerConfiguration.defaultMemoryBudgetBytes),
        range: 0...(1 << 50),
        help:
            "Memory all requests may be charged at once: each body × its route's decoding factor until answered, plus answers not yet read; past it, 503 with Retry-After, beyond it whole, 413; 0 for no limit"
    )
    static let memoryBudgetPerAddressBytes = IntegerOption(
        name: "memory-budget-per-address-bytes", defaultValue: 0, range: 0...(1 << 50),
        help: "The most of the memory budget one client address may hold; 0 for no limit")
    static let minBodyRate = IntegerOption(
        name: "min-body-rate", defaultValue: Int(ServerConfiguration.defaultMinBodyRate), range: 0...(1 << 40),
        help:
            "Bytes per second a request body must arrive at, over windows of --max-body-gap; slower connections are closed; 0 turns it off"
    )
    static let maxBodyGap = IntegerOption(
        name: "max-body-gap", defaultValue: ServerConfiguration.defaultMaxBodyGap, range: 0...86_400,
        help:
            "Seconds a request body may go without a byte before the connection is closed; 0 leaves it to --connection-timeout"
    )
    static let maxAnswerGap = IntegerOption(
        name: "max-answer-gap", defaultValue: ServerConfiguration.defaultMaxAnswerGap, range: 0...86_400,
        help:
            "Seconds an answer may go without the client taking a byte of it before the connection is closed (its memory charge is held until then); 0 leaves it to --connection-timeout"
    )
    static let maxConnections = IntegerOption(
        name: "max-connections", defaultValue: 0, range: 0...1_000_000,
        help: "Most connections open at once; 0 keeps libmicrohttpd's own limit, about 1020")
    static let maxConnectionsPerIp = IntegerOption(
        name: "max-connections-per-ip", defaultValue: 0, range: 0...1_000_000,
        help: "Most connections from one address; 0 for no limit")
    static let connectionTimeout = IntegerOption(
        name: "connection-timeout", defaultValue: ServerConfiguration.defaultConnectionTimeout, range: 0...86_400,
        help: "Seconds an idle connection is kept; 0 keeps it for ever")
    static let maxSamples = IntegerOption(
        name: "max-samples", defaultValue: ScoringLimits.default.maxSamples, range: 1...Int(Int32.max),
        help: "Most samples (rows) in one request or batch job")
    static let maxClasses = IntegerOption(
        name: "max-classes", defaultValue: ScoringLimits.default.maxClasses, range: 1...Int(Int32.max),
        help: "Most classes (columns)")
    static let maxElements = IntegerOption(
        name: "max-elements", defaultValue: ScoringLimits.default.maxElements, range: 1...Int(Int32.max),
        help: "Most prediction values in one request, all batch jobs together")
    static let maxJobs = IntegerOption(
        name: "max-jobs", defaultValue: ScoringLimits.default.maxJobs, range: 1...1_000_000,
        help: "Most jobs in one /batch request")
    static let maxLineBytes = IntegerOption(
        name: "max-line-bytes", defaultValue: LineLimits.default.maxLineBytes, range: 1...(1 << 30),
        help:
            "Largest line of a JSON Lines stream (/cce/lines, /bce/lines), in bytes once inflated; a longer one is a 413"
    )
    static let maxStreamBytes = IntegerOption(
        name: "max-stream-bytes", defaultValue: Int(LineLimits.default.maxStreamBytes), range: 1...(1 << 50),
        help: "Largest JSON Lines stream, in bytes once inflated (--max-body-bytes does not bound streams)")
    static let modelLabels = TextOption(
        name: "model-labels", defaultValue: "", shownDefault: "empty",
        help:
            "Comma-separated model names that get their own model label on the model-quality metrics; any other request model is counted as other, one without a model as none"
    )
    static let logLevel = TextOption(
        name: "log-level", defaultValue: "info", help: "trace, debug, info, notice, warning, error or critical")
    static let drainSeconds = IntegerOption(
        name: "drain-seconds", defaultValue: 10, range: 0...86_400,
        help: "Seconds to let requests in flight finish after SIGTERM or SIGINT")
}

/// A whole-number setting: `--name N`, or the environment variable NAME, or the default;
/// out of `range`, start-up stops with one line naming both.
struct IntegerOption: Sendable {
    /// The flag without its dashes.
    let name: String
    let defaultValue: Int
    /// How `--help` shows the default, when the number alone would mislead (the core count of
    /// the machine that printed it).
    let shownDefault: String?
    let range: ClosedRange<Int>
    let help: String

    init(name: String, defaultValue: Int, shownDefault: String? = nil, range: ClosedRange<Int>, help: String) {
        self.name = name
        self.defaultValue = defaultValue
        self.shownDefault = shownDefault
        self.range = range
        self.help = help
    }

    var environmentVariable: String { OptionNaming.environmentVariable(name) }

    /// The help `--help` shows: the text, the environment variable and the default.
    var argumentHelp: ArgumentHelp { argumentHelp(help) }

    /// The same with another text (the healthcheck's `--port`).
    func argumentHelp(_ text: String) -> ArgumentHelp {
        ArgumentHelp("\(text) (env \(environmentVariable); default: \(shownDefault ?? String(defaultValue))).")
    }

    /// The flag's value, else the environment's, else the default; checked against the range.
    func resolve(_ flag: Int?, environment: [String: String]) throws -> Int {
        let resolved: Int
        if let flag {
            resolved = flag
        } else if let text = environment[environmentVariable], !text.isEmpty {
            guard let parsed = Int(text) else {
                throw ValidationError("\(environmentVariable)='\(text)' is not a whole number")
            }
            resolved = parsed
        } else {
            resolved = defaultValue
        }
        guard range.contains(resolved) else {
            throw ValidationError(
                "--\(name) (\(environmentVariable)) must be in \(range.lowerBound)...\(range.upperBound); got \(resolved)"
            )
        }
        return resolved
    }
}

/// A text setting: `--name TEXT`, or the environment variable NAME, or the default; what it
/// accepts is checked where it is used (an address the resolver knows, a log level).
struct TextOption: Sendable {
    let name: String
    let defaultValue: String
    /// How `--help` shows the default, when the value itself would print as nothing.
    let shownDefault: String?
    let help: String

    init(name: String, defaultValue: String, shownDefault: String? = nil, help: String) {
        self.name = name
        self.defaultValue = defaultValue
        self.shownDefault = shownDefault
        self.help = help
    }

    var environmentVariable: String { OptionNaming.environmentVariable(name) }

    var argumentHelp: ArgumentHelp {
        ArgumentHelp("\(help) (env \(environmentVariable); default: \(shownDefault ?? defaultValue)).")
    }

    /// The flag's value, else the environment's (when not empty), else the default.
    func resolve(_ flag: String?, environment: [String: String]) -> String {
        flag ?? environment[environmentVariable].flatMap { $0.isEmpty ? nil : $0 } ?? defaultValue
    }
}

enum OptionNaming {
    /// `max-body-bytes` → `MAX_BODY_BYTES`.
    static func environmentVariable(_ name: String) -> String {
        name.uppercased().replacing("-", with: "_")
    }
}
