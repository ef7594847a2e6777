import Foundation
import HTTPTransport

#if canImport(Glibc)
    import Glibc
#endif

/// The real `cross-entropy-service` binary, started on an ephemeral port for a test.
public final class ServiceProcess: @unchecked Sendable {
    public let port: UInt16
    public let listeningLine: String
    private let process: Process
    private let stderrPipe: Pipe
    private let output = OutputBuffer()

    /// One server shared by every test that needs nothing special (started on first use).
    public static let shared: ServiceProcess = {
        do {
            return try ServiceProcess.start(extraArguments: ["--threads", "4"])
        } catch {
            fatalError("cannot start the service: \(error)")
        }
    }()

    /// The binary SwiftPM built beside the test bundle.
    public static var binary: URL {
        let testRunner = URL(
            fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
                ?? CommandLine.arguments[0])
        return testRunner.deletingLastPathComponent().appendingPathComponent("cross-entropy-service")
    }

    /// Starts the service on 127.0.0.1 and a free port, with `extraArguments` after those, from
    /// a clean environment plus `environment`.
    /// `signalsUnblocked` starts it as a shell or a supervisor does, with no signal blocked
    /// (through python3: Foundation's `Process` passes on the test runner's blocked signals).
    public static func start(
        extraArguments: [String] = [], environment: [String: String] = [:], signalsUnblocked: Bool = false
    ) throws -> ServiceProcess {
        try ServiceProcess(
            arguments: ["--host", "127.0.0.1", "--port", "0"] + extraArguments, environment: environment,
            signalsUnblocked: signalsUnblocked)
    }

    /// Starts the service with exactly `arguments`, from a clean environment plus `environment`.
    public init(arguments: [String], environment: [String: String] = [:], signalsUnblocked: Bool = false) throws {
        process = Process()
        if signalsUnblocked {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            let unblockAndRun =
                "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); os.execv(sys.argv[1], sys.argv[1:])"
            process.arguments = ["-c", unblockAndRun, Self.binary.path] + arguments
        } else {
            process.executableURL = Self.binary
            process.arguments = arguments
        }
        process.environment = Self.cleanEnvironment(environment)
        let stdoutPipe = Pipe()
        stderrPipe = Pipe()
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        try process.run()
        ServiceProcess.register(process.processIdentifier)

        listeningLine = Self.firstLine(of: stdoutPipe.fileHandleForReading)
        Self.collect(stdoutPipe.fileHandleForReading, into: output)
        guard let portText = listeningLine.split(separator: ":").last, let port = UInt16(portText) else {
            process.terminate()
            throw HTTPConnection.Failure(description: "no 'listening on' line; got '\(listeningLine)'")
        }
        self.port = port
    }

    /// Sends a signal and waits for the exit status.
    @discardableResult
    public func stop(signal: Int32 = SIGTERM) -> Int32 {
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        return process.terminationStatus
    }

    public func waitForExit() -> Int32 {
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// What the service wrote to stderr (read once it has exited: a sanitizer's report, for
    /// an exit status that is not 0).
    public var errorOutput: String {
        guard !process.isRunning else { return "" }
        return String(decoding: stderrPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }

    public var isRunning: Bool { process.isRunning }
    public var processIdentifier: pid_t { process.processIdentifier }

    /// Runs the binary to completion (for flags that make it exit): status, stdout, stderr.
    public static func run(arguments: [String], environment: [String: String] = [:]) throws -> (
        status: Int32, stdout: String, stderr: String
    ) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = Self.cleanEnvironment(environment)
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        register(process.processIdentifier)
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self)
        )
    }

    /// Only what a process needs to run (and the sanitizers' settings, so a sanitized test run
    /// checks the service too), then `extra`: no setting of the machine or of CI can reach the
    /// service unless a test names it.
    static func cleanEnvironment(_ extra: [String: String]) -> [String: String] {
        let passed = ["PATH", "LANG", "LC_ALL", "ASAN_OPTIONS", "LSAN_OPTIONS", "TSAN_OPTIONS", "UBSAN_OPTIONS"]
        let inherited = ProcessInfo.processInfo.environment
        var environment: [String: String] = [:]
        for name in passed { environment[name] = inherited[name] }
        return environment.merging(extra) { $1 }
    }

    private static func firstLine(of handle: FileHandle) -> String {
        var line = Data()
        while true {
            let chunk = handle.readData(ofLength: 1)
            if chunk.isEmpty || chunk == Data([10]) { break }
            line.append(chunk)
        }
        return String(decoding: line, as: UTF8.self)
    }

    /// Keeps reading the service's output (so a full pipe never blocks it) and keeps it.
    private static func collect(_ handle: FileHandle, into output: OutputBuffer) {
        Thread.detachNewThread {
            while true {
                let data = handle.availableData
                if data.isEmpty { return }
                output.bytes.withLock { $0.append(contentsOf: data) }
            }
        }
    }

    /// Everything the service wrote to stdout after the listening line, as lines.
    public var outputLines: [String] {
        output.bytes.withLock { String(decoding: $0, as: UTF8.self) }.split(separator: "\n").map(String.init)
    }

    // Every process started is killed when the test run exits, even if a test failed early.
    private static let launched = Locked<[pid_t]>([])

    private static func register(_ pid: pid_t) {
        let first = launched.withLock { pids in
            pids.append(pid)
            return pids.count == 1
        }
        if first {
            atexit {
                for pid in ServiceProcess.launched.withLock({ $0 }) { kill(pid, SIGKILL) }
            }
        }
    }
}

/// What a service wrote, shared with the thread that reads it.
private final class OutputBuffer: Sendable {
    let bytes = Locked<[UInt8]>([])
}
