import Dispatch
import Foundation
import HTTPTransport
import Synchronization
import TestSupport
import Testing

/// Hostile and broken clients: the server answers cleanly or closes, and keeps serving.
@Suite struct RobustnessTests {
    private let example = Fixtures.seedCCE

    /// Sockets of this server's port in CLOSE-WAIT (state 08 in /proc/net/tcp).
    private func closeWaitCount(port: UInt16) -> Int {
        let hexPort = String(format: ":%04X", port)
        let table = (try? String(contentsOfFile: "/proc/net/tcp", encoding: .utf8)) ?? ""
        return table.split(separator: "\n").dropFirst().filter { line in
            let fields = line.split(separator: " ")
            return fields.count > 3 && fields[1].hasSuffix(hexPort) && fields[3] == "08"
        }.count
    }

    private func inFlight(port: UInt16) throws -> Double? {
        let text = try httpRequest(port: port, "GET", "/metrics").text
        return metricValue(text, "http_requests_in_flight")
    }

    @Test func abortedRequestsLeaveNothingBehind() throws {
        let service = try ServiceProcess.start()
        defer { service.stop() }
        let port = service.port
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            for k in 0..<150 {
                guard let connection = try? HTTPConnection(port: port) else { continue }
                let head =
                    jsonRequestHead("POST", "/cce", "Content-Length: 1000")
                // Half close after the headers, half in the middle of the body.
                try? connection.send((worker + k) % 2 == 0 ? head : head + "{\"predictions\":[[0.2,")
            }  // each connection closes here, its request unfinished
        }
        // Within a few seconds nothing is left: no CLOSE-WAIT socket, no request state.
        var settled = false
        for _ in 0..<60 where !settled {
            Thread.sleep(forTimeInterval: 0.1)
            let requests = try inFlight(port: port)  // 1: the scrape itself
            settled = closeWaitCount(port: port) == 0 && requests == 1
        }
        #expect(closeWaitCount(port: port) == 0)
        #expect(try inFlight(port: port) == 1)
        #expect(settled)
        #expect(try httpRequest(port: port, "POST", "/cce", json: example).status == 200)
    }

    @Test func slowClientsDoNotDelayOthers() throws {
        let service = try ServiceProcess.start()
        defer { service.stop() }
        let port = service.port
        let slow = try (0..<100).map { _ in try HTTPConnection(port: port) }
        let request = Array("POST /cce HTTP/1.1\r\nHost: x\r\n".utf8)
        let worst = Locked(0.0)
        let stop = Atomic(false)
        let trickle = Thread {
            // One header byte per connection every 100 ms: a slowloris attack in miniature.
            var offset = 0
            while !stop.load(ordering: .relaxed) && offset < request.count {
                for connection in slow { try? connection.send([request[offset]]) }
                offset += 1
                Thread.sleep(forTimeInterval: 0.1)
            }
        }
        trickle.start()
        for _ in 0..<20 {
            let started = Date()
            let answer = try httpRequest(port: port, "POST", "/cce", json: example)
            #expect(answer.status == 200)
            worst.withLock { $0 = max($0, Date().timeIntervalSince(started)) }
            Thread.sleep(forTimeInterval: 0.1)
        }
        stop.store(true, ordering: .relaxed)
        #expect(worst.withLock { $0 } < 1.0, "a normal request waited \(worst.withLock { $0 }) s")
    }

    @Test func idleConnectionsAreDroppedAfterTheTimeout() throws {
        let service = try ServiceProcess.start(extraArguments: ["--connection-timeout", "1"])
        defer { service.stop() }
        let idle = try HTTPConnection(port: service.port, timeoutSeconds: 5)
        try idle.send("POST /cce HTTP/1.1\r\nHost: x\r\n")  // and then nothing
        let started = Date()
        #expect(idle.isClosedByPeer())
        #expect(Date().timeIntervalSince(started) < 4)
        #expect(try httpRequest(port: service.port, "POST", "/cce", json: example).status == 200)
    }

    @Test func perAddressConnectionLimit() throws {
        let service = try ServiceProcess.start(extraArguments: ["--max-connections-per-ip", "2"])
        defer { service.stop() }
        let first = try HTTPConnection(port: service.port)
        let second = try HTTPConnection(port: service.port)
        let third = try HTTPConnection(port: service.port, timeoutSeconds: 3)
        #expect(third.isClosedByPeer(), "a third connection from one address was kept")
        for connection in [first, second] {
            try connection.send("GET", "/healthz")
            #expect(try connection.readResponse().status == 200)
        }
    }

    @Test func malformedFramingIsRefusedCleanly() throws {
        let port = ServiceProcess.shared.port
        // An invalid chunk size.
        let chunked = try HTTPConnection(port: port, timeoutSeconds: 5)
        try chunked.send(
            jsonRequestHead("POST", "/cce", "Transfer-Encoding: chunked") + "zz\r\n"
        )
        if let answer = try? chunked.readResponse() { #expect((400..<500).contains(answer.status)) }
        // A header section far over the per-connection memory.
        let huge = try HTTPConnection(port: port, timeoutSeconds: 5)
        try? huge.send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "a", count: 100_000))\r\n\r\n")
        if let answer = try? huge.readResponse() { #expect((400..<500).contains(answer.status)) }
        // A negative Content-Length.
        let negative = try HTTPConnection(port: port, timeoutSeconds: 5)
        try negative.send("POST /cce HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n")
        if let answer = try? negative.readResponse() { #expect((400..<500).contains(answer.status)) }
        #expect(try httpRequest(port: port, "POST", "/cce", json: example).status == 200)
    }
}
