import Foundation
import TestSupport
import Testing

/// The binary's outside: the listening line, flags and environment, exit codes, signals.
@Suite struct LifecycleTests {
    @Test func printsTheRealPort() throws {
        let service = try ServiceProcess.start()
        defer { service.stop() }
        #expect(service.listeningLine == "listening on http://127.0.0.1:\(service.port)")
        #expect(service.port != 0)
        #expect(try httpRequest(port: service.port, "GET", "/bands").status == 200)
    }

    @Test func portComesFromTheEnvironment() throws {
        let service = try ServiceProcess(arguments: ["--host", "127.0.0.1"], environment: ["PORT": "0"])
        defer { service.stop() }
        #expect(service.port != 8080 && service.port != 0)
    }

    @Test(arguments: [
        ["--port", "70000"], ["--threads", "0"], ["--port", "x"], ["--bogus"], ["--host", "256.1.1.1"],
        ["--host", "no.such.host.invalid"],
    ])
    func invalidSettingsExitWithCode2(arguments: [String]) throws {
        let result = try ServiceProcess.run(arguments: arguments)
        #expect(result.status == 2)
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func invalidEnvironmentExitsWithCode2() throws {
        let result = try ServiceProcess.run(arguments: [], environment: ["PORT": "eighty"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("PORT"))
        // --drain-seconds has its variable too, checked like every other.
        let drain = try ServiceProcess.run(arguments: [], environment: ["DRAIN_SECONDS": "-1"])
        #expect(drain.status == 2)
        #expect(drain.stderr == "--drain-seconds (DRAIN_SECONDS) must be in 0...86400; got -1\n")
    }

    @Test func helpDocumentsTheFlags() throws {
        let result = try ServiceProcess.run(arguments: ["--help"])
        #expect(result.status == 0)
        for flag in ["--host", "--port", "--threads", "--max-body-bytes", "PORT"] {
            #expect(result.stdout.contains(flag), "\(flag) missing from --help")
        }
    }

    @Test(arguments: [SIGTERM, SIGINT])
    func stopSignalsExitCleanly(signal: Int32) throws {
        let service = try ServiceProcess.start()
        #expect(try httpRequest(port: service.port, "GET", "/bands").status == 200)
        #expect(service.stop(signal: signal) == 0)
    }

    @Test func healthcheckSubcommandProbesTheService() throws {
        let service = try ServiceProcess.start()
        let healthy = try ServiceProcess.run(arguments: ["healthcheck", "--port", "\(service.port)"])
        #expect(healthy.status == 0)
        // PORT is read while the service is up: a check that ignored it would probe 8080 and fail.
        let fromEnvironment = try ServiceProcess.run(
            arguments: ["healthcheck"], environment: ["PORT": "\(service.port)"])
        #expect(fromEnvironment.status == 0)
        #expect(service.stop() == 0, "\(service.errorOutput.suffix(6000))")
        let down = try ServiceProcess.run(arguments: ["healthcheck", "--port", "\(service.port)"])
        #expect(down.status == 1)
        let downFromEnvironment = try ServiceProcess.run(
            arguments: ["healthcheck"], environment: ["PORT": "\(service.port)"])
        #expect(downFromEnvironment.status == 1)
    }
}
