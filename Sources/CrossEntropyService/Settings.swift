import ArgumentParser
import HTTPTransport
import Logging
import ScoringServer

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The process environment as a dictionary, read anew at each use (Settings.resolve reads it once).
enum Environment {
    static var current: [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            pointer += 1
        }
        return result
    }
}

/// Merges flags, environment variables and defaults (in that order, as `ServiceOptions`
/// declares them) into a configuration, rejecting out-of-range values with a one-line message.
struct Settings {
    var server: ServerConfiguration
    var limits: ScoringLimits
    var lineLimits: LineLimits
    var logLevel: Logger.Level
    var drainSeconds: Int
    var modelLabels: ModelLabels

    static func resolve(_ command: ServiceCommand, environment: [String: String]) throws -> Settings {
        typealias Options = ServiceOptions
        func value(_ option: IntegerOption, _ flag: Int?) throws -> Int {
            try option.resolve(flag, environment: environment)
        }
        let host = Options.host.resolve(command.host, environment: environment)
        guard resolves(host) else {
            throw ValidationError("--host (HOST) '\(host)' is neither an IP address nor a name this machine resolves")
        }
        let levelText = Options.logLevel.resolve(command.logLevel, environment: environment)
        guard let logLevel = Logger.Level(rawValue: levelText.lowercased()) else {
            throw ValidationError(
                "--log-level (LOG_LEVEL) must be trace, debug, info, notice, warning, error or critical; got '\(levelText)'"
            )
        }
        let server = ServerConfiguration(
            host: host,
            port: UInt16(try value(Options.port, command.port)),
            threads: try value(Options.threads, command.threads),
            maxBodyBytes: UInt64(try value(Options.maxBodyBytes, command.maxBodyBytes)),
            memoryBudgetBytes: UInt64(try value(Options.memoryBudgetBytes, command.memoryBudgetBytes)),
            memoryBudgetPerAddressBytes: UInt64(
                try value(Options.memoryBudgetPerAddressBytes, command.memoryBudgetPerAddressBytes)),
            connectionLimit: try value(Options.maxConnections, command.maxConnections),
            perIPConnectionLimit: try value(Options.maxConnectionsPerIp, command.maxConnectionsPerIp),
            connectionTimeout: try value(Options.connectionTimeout, command.connectionTimeout),
            minBodyRate: UInt64(try value(Options.minBodyRate, command.minBodyRate)),
            maxBodyGap: try value(Options.maxBodyGap, command.maxBodyGap),
            maxAnswerGap: try value(Options.maxAnswerGap, command.maxAnswerGap)
        )
        // One largest body at the largest decoding factor must always fit, or it would get 413
        // although it is within --max-body-bytes.
        let (largestCharge, overflow) = server.maxBodyBytes.multipliedReportingOverflow(by: MemoryCharge.largest)
        if server.memoryBudgetBytes != 0 && (overflow || server.memoryBudgetBytes < largestCharge) {
            throw ValidationError(
                "--memory-budget-bytes (MEMORY_BUDGET_BYTES) must be 0 or at least --max-body-bytes × \(MemoryCharge.largest) (\(largestCharge)); got \(server.memoryBudgetBytes)"
            )
        }
        let limits = ScoringLimits(
            maxSamples: try value(Options.maxSamples, command.maxSamples),
            maxClasses: try value(Options.maxClasses, command.maxClasses),
            maxElements: try value(Options.maxElements, command.maxElements),
            maxJobs: try value(Options.maxJobs, command.maxJobs)
        )
        var lineLimits = LineLimits.default
        lineLimits.maxLineBytes = try value(Options.maxLineBytes, command.maxLineBytes)
        lineLimits.maxStreamBytes = UInt64(try value(Options.maxStreamBytes, command.maxStreamBytes))
        let budgets = [server.memoryBudgetBytes, server.memoryBudgetPerAddressBytes].filter { $0 > 0 }
        lineLimits = lineLimits.fitted(toBudget: budgets.min() ?? 0)
        // A stream the budget cannot take waits as long as a body may make no progress.
        if server.maxBodyGap > 0 { lineLimits.budgetWaitMilliseconds = server.maxBodyGap * 1000 }
        let modelLabels: ModelLabels
        do {
            modelLabels = try ModelLabels(
                parsing: Options.modelLabels.resolve(command.modelLabels, environment: environment))
        } catch {
            throw ValidationError("--model-labels (MODEL_LABELS): \(error)")
        }
        return Settings(
            server: server, limits: limits, lineLimits: lineLimits, logLevel: logLevel,
            drainSeconds: try value(Options.drainSeconds, command.drainSeconds), modelLabels: modelLabels)
    }
}

/// Whether `host` is an address or a name the service could listen on: checked with the
/// resolver the transport uses, so a bad value is an invalid setting (exit 2), not a failed
/// start (exit 1).
private func resolves(_ host: String) -> Bool {
    var hints = addrinfo()
    hints.ai_flags = AI_PASSIVE
    hints.ai_family = AF_UNSPEC
    hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    var found: UnsafeMutablePointer<addrinfo>?
    guard getaddrinfo(host, nil, &hints, &found) == 0 else { return false }
    freeaddrinfo(found)
    return true
}
