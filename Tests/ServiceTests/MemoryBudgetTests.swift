import Foundation
import ScoringServer
import TestSupport
import Testing

/// The memory budget: a body is charged as it is used (its buffer while it arrives, its bytes ×
/// its route's decoding factor once whole, until answered); past the budget 503 with
/// Retry-After, beyond a whole budget 413; the charge comes back when the exchange is done.
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

    private func head(_ length: Int, path: String = "/cce", _ extra: String = "") -> String {
        "POST \(path) HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(length)\r\n\(extra)\r\n"
    }

    /// A body whose decoding charge does not fit when it is whole is dropped and answered 503
    /// with Retry-After at its end (declared or chunked); a client that waits for 100 Continue
    /// is told at its headers instead. Bodies still arriving hold their buffers (factor 1), and
    /// each completes once the budget has room.
    @Test func bodiesBeyondTheBudgetAre503() throws {
        // The smallest budget start-up allows: one 100,000-byte /batch body (4,000,000).
        let budget = 100_000 * Int(MemoryCharge.largest)
        let service = try ServiceProcess.start(extraArguments: [
            "--max-body-bytes", "100000", "--memory-budget-bytes", String(budget),
        ])
        defer { service.stop() }
        let port = service.port

        // 15 uploads stop one byte short: each holds its 100,000-byte buffer, 1,500,000 in all,
        // so a whole 100,000-byte /cce body (2,600,000 once whole) no longer fits.
        let held = padded(100_000)
        var holders = try (0..<15).map { _ in try HTTPConnection(port: port) }
        for holder in holders { try holder.send(Array(head(100_000).utf8) + held.dropLast()) }
        #expect(try charged(port, until: { $0 == 1_500_000 }) == 1_500_000)
        #expect(charge(100_000) > budget - 1_500_000)

        let declared = try HTTPConnection(port: port)
        try post(declared, held)
        let refused = try declared.readResponse()
        #expect(refused.status == 503)
        #expect(refused.json["type"]?.string == "urn:cross-entropy-service:problem:overloaded")
        #expect(refused.header("Retry-After") == "1")

        let chunked = try HTTPConnection(port: port)
        try chunked.send(
            Array(
                (jsonRequestHead("POST", "/cce", "Transfer-Encoding: chunked")
                    + String(held.count, radix: 16) + "\r\n").utf8) + held + Array("\r\n0\r\n\r\n".utf8))
        #expect(try chunked.readResponse().status == 503)

        // Expect: 100-continue: compared with what is free at the headers, refused before a byte
        // of the body is sent (nothing is reserved when it fits).
        let waiting = try HTTPConnection(port: port)
        try waiting.send(head(100_000, "Expect: 100-continue\r\n"))
        let early = try waiting.readResponse(skipContinue: false)
        #expect(early.status == 503)
        #expect(early.header("Retry-After") == "1")

        // Small bodies still fit beside the held buffers.
        #expect(
            try httpRequest(port: port, "POST", "/cce", json: #"{"predictions":[[0.5,0.5]],"labels":[0]}"#).status
                == 200)

        // Five holders leave (their buffers come back); each other completes in turn: its own
        // 2,600,000 beside the others' buffers fits.
        holders.removeFirst(5)
        #expect(try charged(port, until: { $0 == 1_000_000 }) == 1_000_000)
        for holder in holders {
            try holder.send([held.last!])
            #expect(try holder.readResponse().status == 200)
        }
        let retried = try HTTPConnection(port: port)
        try post(retried, held)
        #expect(try retried.readResponse().status == 200)
        let metrics = try httpRequest(port: port, "GET", "/metrics").text
        #expect(metrics.contains(#"cross_entropy_requests_rejected_total{reason="overloaded"} 3"#))
        // Every exchange but the scrape itself (bodiless: charged nothing) is done; the last
        // answer's charge goes when libmicrohttpd reports it complete, just after the client has it.
        #expect(try charged(port, until: { $0 == 0 }) == 0)
    }

    /// A declared length alone holds nothing: connections that declare an at-limit /batch body
    /// (its charge is the whole budget) and send nothing leave the budget at 0, and every other
    /// request is answered meanwhile.
    @Test func aDeclaredBodyHoldsNothingUntilItArrives() throws {
        let budget = 100_000 * Int(MemoryCharge.largest)
        let service = try ServiceProcess.start(extraArguments: [
            "--max-body-bytes", "100000", "--memory-budget-bytes", String(budget),
        ])
        defer { service.stop() }
        let silent = try (0..<8).map { _ in try HTTPConnection(port: service.port) }
        for connection in silent { try connection.send(head(100_000, path: "/batch")) }
        Thread.sleep(forTimeInterval: 0.5)  // their headers are read
        #expect(try charged(service.port, until: { _ in true }) == 0)
        for _ in 0..<3 {
            let connection = try HTTPConnection(port: service.port)
            try post(connection, padded(100_000))
            #expect(try connection.readResponse().status == 200)
        }
        #expect(try charged(service.port, until: { $0 == 0 }) == 0)
        let metrics = try httpRequest(port: service.port, "GET", "/metrics").text
        #expect(metrics.contains(#"cross_entropy_requests_rejected_total{reason="overloaded"} 0"#))
    }

    /// cross_entropy_memory_budget_charged_bytes, polled (up to 30 s) until `done` holds.
    private func charged(_ port: UInt16, until done: (Int) -> Bool) throws -> Int {
        var value = -1
        for _ in 0..<150 {
            let text = try httpRequest(port: port, "GET", "/metrics").text
            value = metricValue(text, "cross_entropy_memory_budget_charged_bytes").map { Int($0) } ?? -1
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

    /// 600,000 one-column rows: a 4.8 MB body, an answer of 5.4 MB (a loss and a band per row),
    /// more than loopback's socket buffers take.
    private static let largeAnswerBody: [UInt8] = {
        let rows = 600_000
        return Array(
            ("{\"predictions\":[" + Array(repeating: "[0.5]", count: rows).joined(separator: ",")
                + "],\"labels\":[" + Array(repeating: "1", count: rows).joined(separator: ",") + "]}").utf8)
    }()

    /// Sends the large-answer body and waits until only its unread answer is charged.
    private func unreadAnswer(_ port: UInt16) throws -> (HTTPConnection, held: Int) {
        let body = Self.largeAnswerBody
        let reader = try HTTPConnection(port: port, timeoutSeconds: 60)
        try reader.send("POST", "/bce", headers: [("Content-Type", "application/json")], body: body)
        // While the body arrives it is charged its buffer (under 5 MB), while decoded body ×
        // factor; once answered, the answer alone.
        let bodyCharge = body.count * Int(MemoryCharge.scoring)
        let held = try charged(port, until: { (5_000_000..<bodyCharge).contains($0) })
        #expect((5_000_000..<bodyCharge).contains(held), "charged \(held) bytes while a large answer was unread")
        return (reader, held)
    }

    /// An answer is charged from when it is queued until the client has read it: a client that
    /// never reads a large answer holds budget, not hidden memory.
    @Test func answersNotYetReadAreCharged() throws {
        let service = try ServiceProcess.start(extraArguments: ["--threads", "2"])
        defer { service.stop() }
        let (reader, held) = try unreadAnswer(service.port)
        Thread.sleep(forTimeInterval: 0.5)
        #expect(try charged(service.port, until: { _ in true }) == held, "the unread answer's charge stays")
        let answer = try reader.readResponse()
        #expect(answer.status == 200)
        #expect(try charged(service.port, until: { $0 == 0 }) == 0)
    }

    /// An answer the client takes nothing of for --max-answer-gap seconds is dropped with its
    /// connection, and its charge comes back long before --connection-timeout.
    @Test func anUnreadAnswerIsDroppedAfterTheAnswerGap() throws {
        let service = try ServiceProcess.start(extraArguments: [
            "--threads", "2", "--max-answer-gap", "2", "--connection-timeout", "120",
        ])
        defer { service.stop() }
        let (reader, _) = try unreadAnswer(service.port)
        // Polled for up to 30 s: only the answer gap can end the hold that soon.
        #expect(try charged(service.port, until: { $0 == 0 }) == 0)
        #expect((try? reader.readResponse()) == nil, "the answer was cut, not sent whole")
    }

    /// The answer gap ends with the answer: an idle keep-alive connection then waits for its
    /// next request as long as --connection-timeout allows.
    @Test func theAnswerGapEndsWithTheAnswer() throws {
        let service = try ServiceProcess.start(extraArguments: ["--max-answer-gap", "1", "--connection-timeout", "30"])
        defer { service.stop() }
        let connection = try HTTPConnection(port: service.port)
        try connection.send("GET", "/healthz")
        #expect(try connection.readResponse().status == 200)
        Thread.sleep(forTimeInterval: 2.5)  // past the answer gap, well within the connection timeout
        try connection.send("GET", "/healthz")
        #expect(try connection.readResponse().status == 200)
    }
}
