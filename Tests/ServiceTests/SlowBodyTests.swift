import Foundation
import ScoringServer
import TestSupport
import Testing

/// Slow uploads: a body that stops for longer than --max-body-gap, or arrives below
/// --min-body-rate, has its connection closed without an answer (libmicrohttpd 0.9.75 can
/// answer only at the headers or after the last byte), counted as slow_body, and its memory
/// charge returns to the budget.
@Suite struct SlowBodyTests {
    private static let head =
        jsonRequestHead("POST", "/cce", "Content-Length: 1000")

    private func service(_ extra: [String] = []) throws -> ServiceProcess {
        try ServiceProcess.start(extraArguments: ["--max-body-gap", "2", "--min-body-rate", "1000"] + extra)
    }

    /// Seconds until the server closes `connection`, or nil if it answered something first.
    private func secondsUntilClosed(_ connection: HTTPConnection) -> Double? {
        let start = Date()
        let bytes = connection.readUntilClosed()
        return bytes.isEmpty ? Date().timeIntervalSince(start) : nil
    }

    @Test func aBodyThatStopsIsClosedAfterTheGap() throws {
        let service = try service()
        defer { service.stop() }
        let connection = try HTTPConnection(port: service.port, timeoutSeconds: 10)
        try connection.send(Self.head + "{\"predictions\"")
        let waited = try #require(secondsUntilClosed(connection), "an answer came instead of a close")
        #expect(waited >= 1 && waited < 6)
        let metrics = try httpRequest(port: service.port, "GET", "/metrics").text
        #expect(metrics.contains(#"cross_entropy_requests_rejected_total{reason="slow_body"} 1"#))
        // The access line counts the bytes that came before the cut.
        Thread.sleep(forTimeInterval: 0.3)  // the log sink writes every 100 ms
        let line = service.outputLines.first { $0.contains(#""closed":"slow_body""#) }
        #expect(line?.contains(#""bytes_in":14,"#) == true, "\(line ?? "no access line")")
    }

    @Test func aBodyBelowTheMinimumRateIsClosed() throws {
        let service = try service()
        defer { service.stop() }
        let connection = try HTTPConnection(port: service.port, timeoutSeconds: 10)
        try connection.send(Self.head)
        // A byte every half second: never silent for the 2 s gap, far below 1,000 bytes/s.
        let start = Date()
        var closed = false
        while Date().timeIntervalSince(start) < 8 {
            Thread.sleep(forTimeInterval: 0.5)
            do { try connection.send(" ") } catch {
                closed = true
                break
            }
        }
        #expect(closed || connection.isClosedByPeer())
        #expect(Date().timeIntervalSince(start) < 6)
        let metrics = try httpRequest(port: service.port, "GET", "/metrics").text
        #expect(metrics.contains(#"cross_entropy_requests_rejected_total{reason="slow_body"} 1"#))
        #expect(metrics.contains(#"http_requests_in_flight 1"#))  // the scrape itself
    }

    /// The attack of issues 10 and 16: uploads that declare a large body and then send almost
    /// nothing hold only what they sent (their buffers), not their declared charge, so scoring
    /// requests are answered while they are open; they are cut at the gap, and the budget is 0.
    @Test func slowUploadsHoldOnlyWhatTheySent() throws {
        let budget = 100_000 * Int(MemoryCharge.largest)
        let service = try service(["--max-body-bytes", "100000", "--memory-budget-bytes", String(budget)])
        defer { service.stop() }
        let holders = try (0..<2).map { _ in try HTTPConnection(port: service.port, timeoutSeconds: 10) }
        for holder in holders {
            try holder.send(
                jsonRequestHead("POST", "/batch", "Content-Length: 100000") + "{")
        }
        Thread.sleep(forTimeInterval: 0.3)
        let example = Fixtures.seedCCE
        let padded = example + String(repeating: " ", count: 60_000 - example.utf8.count)
        #expect(try httpRequest(port: service.port, "POST", "/cce", json: padded).status == 200)
        for holder in holders { #expect(holder.readUntilClosed().isEmpty) }
        let metrics = try httpRequest(port: service.port, "GET", "/metrics").text
        #expect(metrics.contains(#"cross_entropy_requests_rejected_total{reason="slow_body"} 2"#))
        #expect(metrics.contains("cross_entropy_memory_budget_charged_bytes 0"))
    }

    @Test func aSteadyBodyIsNotCut() throws {
        let service = try service()
        defer { service.stop() }
        let connection = try HTTPConnection(port: service.port, timeoutSeconds: 10)
        let example = Array(Fixtures.seedCCE.utf8)
        let body = example + [UInt8](repeating: 0x20, count: 3000 - example.count)
        try connection.send(
            jsonRequestHead("POST", "/cce", "Content-Length: 3000"))
        // 1,500 bytes/s in pieces a second apart: above the rate, within the gap.
        for start in stride(from: 0, to: body.count, by: 1500) {
            try connection.send(Array(body[start..<min(start + 1500, body.count)]))
            Thread.sleep(forTimeInterval: 1)
        }
        #expect(try connection.readResponse().status == 200)
    }
}
