import Foundation
import ScoringServer
import TestSupport
import Testing

/// The memory budget: each admitted body is charged its bytes × its route's decoding factor
/// from its headers until it is answered; past the budget 503 with Retry-After, beyond a whole
/// budget 413; the charge comes back when the exchange is done.
@Suite struct MemoryBudgetTests {
    /// Bytes of budget a /cce body of `bytes` bytes is charged.
    private func charge(_ bytes: Int) -> Int { bytes * Int(MemoryCharge.scoring) }

    private func padded(_ size: Int) -> [UInt8] {
        let json = Array(#"{"predictions":[[0.5,0.5]],"labels":[0]}"#.utf8)
        return json + [UInt8](repeating: 0x20, count: size - json.count)  // trailing spaces are valid JSON
    }

    private func post(_ connection: HTTPConnection, _ body: [UInt8]) throws {
        try connection.send("POST", "/cce", headers: [("Content-Type", "application/json")], body: body)
    }

    /// Past the budget a request is answered 503 with Retry-After (at its headers when it
    /// declares its length, at its end when chunked), and the budget comes back when a body is
    /// done with.
    @Test func bodiesBeyondTheBudgetAre503() throws {
        let service = try ServiceProcess.start(extraArguments: [
            "--max-body-bytes", "100000",
            // Room for one and a half 100,000-byte bodies, and at least one whole /batch body
            // of the largest size (which start-up requires).
            "--memory-budget-bytes", String(max(charge(155_000), 100_000 * Int(MemoryCharge.largest))),
        ])
        defer { service.stop() }
        let port = service.port

        // One client holds 100,000 body bytes' worth of the budget: headers and half its body are in.
        let holder = try HTTPConnection(port: port)
        let held = padded(100_000)
        try holder.send(
            Array(
                "POST /cce HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n".utf8
            )
                + held[..<50_000])
        Thread.sleep(forTimeInterval: 0.5)  // its headers are read before the next client's

        let declared = try HTTPConnection(port: port)
        try post(declared, padded(60_000))
        let refused = try declared.readResponse()
        #expect(refused.status == 503)
        #expect(refused.json["type"]?.string == "urn:cross-entropy-service:problem:overloaded")
        #expect(refused.header("Retry-After") == "1")

        // A chunked body is charged as it grows: past the budget it is dropped, then answered 503.
        let chunked = try HTTPConnection(port: port)
        let chunkedBody = padded(50_000)
        try chunked.send(
            Array(
                ("POST /cce HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + String(chunkedBody.count, radix: 16) + "\r\n").utf8) + chunkedBody + Array("\r\n0\r\n\r\n".utf8))
        #expect(try chunked.readResponse().status == 503)

        // Small bodies still fit beside the held one.
        #expect(
            try httpRequest(port: port, "POST", "/cce", json: #"{"predictions":[[0.5,0.5]],"labels":[0]}"#).status
                == 200)

        // The held body completes; its charge returns to the budget and the refused size now fits.
        try holder.send(Array(held[50_000...]))
        #expect(try holder.readResponse().status == 200)
        let retried = try HTTPConnection(port: port)
        try post(retried, padded(60_000))
        #expect(try retried.readResponse().status == 200)
        let metrics = try httpRequest(port: port, "GET", "/metrics").text
        #expect(metrics.contains(#"cross_entropy_requests_rejected_total{reason="overloaded"} 2"#))
        // Every exchange but the scrape itself (bodiless: charged nothing) is done; the last
        // answer's charge goes when libmicrohttpd reports it complete, just after the client has it.
        #expect(try charged(port, until: { $0 == 0 }) == 0)
    }

    /// cross_entropy_memory_budget_charged_bytes, polled (up to 30 s) until `done` holds.
    private func charged(_ port: UInt16, until done: (Int) -> Bool) throws -> Int {
        var value = -1
        for _ in 0..<150 {
            let text = try httpRequest(port: port, "GET", "/metrics").text
            let line = text.split(separator: "\n").first { $0.hasPrefix("cross_entropy_memory_budget_charged_bytes ") }
            value = line.flatMap { Double($0.split(separator: " ")[1]) }.map { Int($0) } ?? -1
            if done(value) { return value }
            Thread.sleep(forTimeInterval: 0.2)
        }
        return value
    }

    /// A body whose charge is larger than a whole budget (here one address's share) can never be
    /// taken: 413 from its headers, not a 503 to retry for ever. Other addresses are unaffected.
    @Test func aChargeBeyondAWholeBudgetIs413() throws {
        let service = try ServiceProcess.start(extraArguments: [
            "--max-body-bytes", "100000",
            "--memory-budget-per-address-bytes", String(charge(50_000)),
        ])
        defer { service.stop() }
        let connection = try HTTPConnection(port: service.port)
        try post(connection, padded(60_000))
        let answer = try connection.readResponse()
        #expect(answer.status == 413)
        #expect(answer.header("Content-Type") == "application/problem+json")
        #expect(answer.json["type"]?.string == "urn:cross-entropy-service:problem:body-too-large")
        #expect(answer.header("Retry-After") == nil)

        let small = try HTTPConnection(port: service.port)
        try post(small, padded(40_000))
        #expect(try small.readResponse().status == 200)
    }

    /// The budget must hold one largest body at the largest factor.
    @Test func aBudgetTooSmallForOneLargestBodyStopsStartUp() throws {
        let run = try ServiceProcess.run(arguments: [
            "--max-body-bytes", "1000", "--memory-budget-bytes", String(1000 * Int(MemoryCharge.largest) - 1),
        ])
        #expect(run.status == 2)
        #expect(run.stderr.contains("--memory-budget-bytes (MEMORY_BUDGET_BYTES) must be 0 or at least"))
    }

    /// An answer is charged from when it is queued until the client has read it: a client that
    /// never reads a large answer holds budget, not hidden memory.
    @Test func answersNotYetReadAreCharged() throws {
        let service = try ServiceProcess.start(extraArguments: ["--threads", "2"])
        defer { service.stop() }
        // 600,000 one-column rows: a 4.8 MB body, an answer of about 20 MB (a loss and a band per
        // row), more than loopback's socket buffers take.
        let rows = 600_000
        let body = Array(
            ("{\"predictions\":[" + Array(repeating: "[0.5]", count: rows).joined(separator: ",")
                + "],\"labels\":[" + Array(repeating: "1", count: rows).joined(separator: ",") + "]}").utf8)
        let reader = try HTTPConnection(port: service.port, timeoutSeconds: 60)
        try reader.send("POST", "/bce", headers: [("Content-Type", "application/json")], body: body)
        // While the body is decoded it is charged body × factor; once answered, the answer alone.
        let bodyCharge = body.count * Int(MemoryCharge.scoring)
        let held = try charged(service.port, until: { (5_000_000..<bodyCharge).contains($0) })
        #expect((5_000_000..<bodyCharge).contains(held), "charged \(held) bytes while a large answer was unread")
        Thread.sleep(forTimeInterval: 0.5)
        #expect(try charged(service.port, until: { _ in true }) == held, "the unread answer's charge stays")
        let answer = try reader.readResponse()
        #expect(answer.status == 200)
        #expect(try charged(service.port, until: { $0 == 0 }) == 0)
    }
}
