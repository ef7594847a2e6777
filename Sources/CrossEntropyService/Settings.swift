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

/// Merges flags, environment variables and defaults (in that order) into a configuration,
/// rejecting out-of-range values with a one-line message.
struct Settings {
    var server: ServerConfiguration
    var limits: ScoringLimits
    var logLevel: Logger.Level

    static func resolve(_ command: ServiceCommand, environment: [String: String]) throws -> Settings {
        func value(_ flag: Int?, _ variable: String, default fallback: Int, range: ClosedRange<Int>) throws -> Int {
            let resolved: Int
            if let flag {
                resolved = flag
            } else if let text = environment[variable], !text.isEmpty {
                guard let parsed = Int(text) else {
                    throw ValidationError("\(variable)='\(text)' is not a whole number")
                }
                resolved = parsed
            } else {
                resolved = fallback
            }
            guard range.contains(resolved) else {
                let flag = "--" + variable.lowercased().replacing("_", with: "-")
                throw ValidationError(
                    "\(flag) (\(variable)) must be in \(range.lowerBound)...\(range.upperBound); got \(resolved)")
            }
            return resolved
        }
        let cores = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        let host = command.host ?? environment["HOST"].flatMap { $0.isEmpty ? nil : $0 } ?? "0.0.0.0"
        guard resolves(host) else {
            throw ValidationError("--host (HOST) '\(host)' is neither an IP address nor a name this machine resolves")
        }
        let levelText = command.logLevel ?? environment["LOG_LEVEL"].flatMap { $0.isEmpty ? nil : $0 } ?? "info"
        guard let logLevel = Logger.Level(rawValue: levelText.lowercased()) else {
            throw ValidationError(
                "--log-level (LOG_LEVEL) must be trace, debug, info, notice, warning, error or critical; got '\(levelText)'"
            )
        }
        let server = ServerConfiguration(
            host: host,
            port: UInt16(try value(command.port, "PORT", default: 8080, range: 0...65535)),
            threads: try value(command.threads, "THREADS", default: max(cores, 1), range: 1...1024),
            maxBodyBytes: UInt64(
                try value(
                    command.maxBodyBytes,
                    "MAX_BODY_BYTES",
                    default: Int(ServerConfiguration.defaultMaxBodyBytes),
                    range: 1...(1 << 40)
                )
            ),
            memoryBudgetBytes: UInt64(
                try value(
                    command.memoryBudgetBytes,
                    "MEMORY_BUDGET_BYTES",
                    default: Int(ServerConfiguration.defaultMemoryBudgetBytes),
                    range: 0...(1 << 50)
                )
            ),
            memoryBudgetPerAddressBytes: UInt64(
                try value(
                    command.memoryBudgetPerAddressBytes, "MEMORY_BUDGET_PER_ADDRESS_BYTES", default: 0,
                    range: 0...(1 << 50))
            ),
            connectionLimit: try value(command.maxConnections, "MAX_CONNECTIONS", default: 0, range: 0...1_000_000),
            perIPConnectionLimit: try value(
                command.maxConnectionsPerIp, "MAX_CONNECTIONS_PER_IP", default: 0, range: 0...1_000_000),
            connectionTimeout: try value(
                command.connectionTimeout, "CONNECTION_TIMEOUT", default: 30, range: 0...86_400),
            minBodyRate: UInt64(
                try value(
                    command.minBodyRate, "MIN_BODY_RATE", default: Int(ServerConfiguration.defaultMinBodyRate),
                    range: 0...(1 << 40))
            ),
            maxBodyGap: try value(
                command.maxBodyGap, "MAX_BODY_GAP", default: ServerConfiguration.defaultMaxBodyGap, range: 0...86_400),
            maxAnswerGap: try value(
                command.maxAnswerGap, "MAX_ANSWER_GAP", default: ServerConfiguration.defaultMaxAnswerGap,
                range: 0...86_400)
        )
        // One largest body at the largest decoding factor must always fit, or it would get 413
        // although it is within --max-body-bytes.
        let (largestCharge, overflow) = server.maxBodyBytes.multipliedReportingOverflow(by: MemoryCharge.largest)
        if server.memoryBudgetBytes != 0 && (overflow || server.memoryBudgetBytes < largestCharge) {
            throw ValidationError(
                "--memory-budget-bytes (MEMORY_BUDGET_BYTES) must be 0 or at least --max-body-bytes × \(MemoryCharge.largest) (\(largestCharge)); got \(server.memoryBudgetBytes)"
            )
        }
        let defaults = ScoringLimits.default
        let limits = ScoringLimits(
            maxSamples: try value(
                command.maxSamples, "MAX_SAMPLES", default: defaults.maxSamples, range: 1...Int(Int32.max)),
            maxClasses: try value(
                command.maxClasses, "MAX_CLASSES", default: defaults.maxClasses, range: 1...Int(Int32.max)),
            maxElements: try value(
                command.maxElements, "MAX_ELEMENTS", default: defaults.maxElements, range: 1...Int(Int32.max)),
            maxJobs: try value(command.maxJobs, "MAX_JOBS", default: defaults.maxJobs, range: 1...1_000_000)
        )
        return Settings(server: server, limits: limits, logLevel: logLevel)
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
