import Dispatch
import Foundation
import HTTPTransport
import TestSupport
import Testing

/// SIGTERM: readiness 503, no new connections, requests in flight answered, exit 0.
@Suite struct ShutdownTests {
    /// A large, valid /cce body (about 1 MB) and its expected loss.
    private static let largeBody: [UInt8] = {
        let rows = Array(repeating: "[0.25,0.75]", count: 50_000).joined(separator: ",")
        let labels = Array(repeating: "1", count: 50_000).joined(separator: ",")
        return Array("{\"predictions\":[\(rows)],\"labels\":[\(labels)],\"per_sample\":false}".utf8)
    }()

    @Test func slowLargeRequestsInFlightAllFinish() throws {
        let service = try ServiceProcess.start(extraArguments: ["--drain-seconds", "20"])
        let body = Self.largeBody
        let connections = try (0..<6).map { _ in try HTTPConnection(port: service.port) }
        // Every request has its headers and half its body sent before the signal.
        for connection in connections {
            try connection.send(
                jsonRequestHead("POST", "/cce", "Content-Length: \(body.count)")
            )
            try connection.send(Array(body[..<(body.count / 2)]))
        }
        // A keep-alive connection that already made a request sees readiness turn 503.
        let watcher = try HTTPConnection(port: service.port)
        try watcher.send("GET", "/readyz")
        #expect(try watcher.readResponse().status == 200)

        kill(service.processIdentifier, SIGTERM)
        Thread.sleep(forTimeInterval: 0.3)
        try watcher.send("GET", "/readyz")
        #expect(try watcher.readResponse().status == 503)
        #expect((try? HTTPConnection(port: service.port)) == nil, "the listener still accepts after SIGTERM")

        let statuses = Locked<[Int]>([])
        let losses = Locked<[Double]>([])
        DispatchQueue.concurrentPerform(iterations: connections.count) { i in
            let connection = connections[i]
            // Send the rest slowly, in pieces.
            let rest = Array(body[(body.count / 2)...])
            let piece = rest.count / 4 + 1
            for start in stride(from: 0, to: rest.count, by: piece) {
                try? connection.send(Array(rest[start..<min(start + piece, rest.count)]))
                Thread.sleep(forTimeInterval: 0.05)
            }
            let answer = try? connection.readResponse()
            statuses.withLock { $0.append(answer?.status ?? -1) }
            losses.withLock { $0.append(answer?.json["loss"]?.double ?? .nan) }
        }
        #expect(statuses.withLock { $0 } == Array(repeating: 200, count: connections.count))
        #expect(losses.withLock { $0 }.allSatisfy { abs($0 - -log2(0.75)) < 1e-15 })
        let status = service.waitForExit()
        #expect(status == 0, "\(service.errorOutput.suffix(6000))")
    }

    /// A second stop signal during the drain changes nothing: the request in flight is still
    /// answered (with `Connection: close`, as every answer during the drain) and the process exits 0 (a thread started before the signals were blocked once
    /// took the second one and died of it).
    @Test(arguments: [SIGTERM, SIGINT]) func aSecondSignalDuringTheDrainIsIgnored(second: Int32) throws {
        let service = try ServiceProcess.start(extraArguments: ["--drain-seconds", "10"], signalsUnblocked: true)
        let line = "{\"prediction\":[0.25,0.75],\"label\":1}\n"
        let stream = try HTTPConnection(port: service.port)
        try stream.send(
            "POST /cce/lines HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n\(String(line.utf8.count, radix: 16))\r\n\(line)\r\n")
        Thread.sleep(forTimeInterval: 0.2)
        kill(service.processIdentifier, SIGTERM)
        Thread.sleep(forTimeInterval: 0.3)
        kill(service.processIdentifier, second)
        Thread.sleep(forTimeInterval: 0.3)
        try stream.send("0\r\n\r\n")
        let answer = try stream.readResponse()
        #expect(answer.status == 200)
        #expect(answer.json["loss"]?.double == -log2(0.75))
        // Answered during the drain: the connection is not kept for another request.
        #expect(answer.header("Connection") == "close")
        #expect(service.waitForExit() == 0, "\(service.errorOutput.suffix(6000))")
    }

    @Test func drainIsBoundedByDrainSeconds() throws {
        let service = try ServiceProcess.start(extraArguments: ["--drain-seconds", "1"])
        let stuck = try HTTPConnection(port: service.port)
        try stuck.send(
            jsonRequestHead("POST", "/cce", "Content-Length: 100") + "{")
        let started = Date()
        kill(service.processIdentifier, SIGTERM)
        #expect(service.waitForExit() == 0, "\(service.errorOutput.suffix(6000))")
        #expect(Date().timeIntervalSince(started) < 5)
    }
}
