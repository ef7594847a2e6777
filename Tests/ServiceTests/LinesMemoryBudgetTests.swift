import Foundation
import TestSupport
import Testing

/// A stream's charges and the memory budget: a batch the budget cannot take now waits (paused,
/// not refused) with room kept for it, so smaller charges of other requests do not take every
/// release first; a batch larger than the whole budget is a 413 at once.
@Suite struct LinesMemoryBudgetTests {
    /// 4 MB of budget; lines up to 1 MB; no body rate, so that stalled uploads hold their bytes.
    private static let arguments = [
        "--max-body-bytes", "100000", "--memory-budget-bytes", "4000000", "--max-line-bytes", "1000000",
        "--min-body-rate", "0",
    ]

    /// One sample line padded with spaces to `bytes` bytes (spaces are valid JSON).
    private static func line(bytes: Int) -> [UInt8] {
        let json = Array(#"{"prediction":[0.25,0.75],"label":1}"#.utf8)
        return json + [UInt8](repeating: 0x20, count: bytes - json.count)
    }

    /// Starts a stream whose first line (`bytes` bytes, no newline yet) is held unfinished:
    /// charged at factor 1 until the connection goes.
    private static func holder(port: UInt16, bytes: Int) throws -> HTTPConnection {
        let connection = try HTTPConnection(port: port, timeoutSeconds: 60)
        try connection.send(
            "POST", "/cce/lines",
            headers: [("Content-Type", "application/x-ndjson"), ("Content-Length", String(bytes + 1000))])
        try connection.send(line(bytes: bytes))
        return connection
    }

    /// Three stalled streams hold about 2.85 MB; a finished stream's 150 KB line (3 MB at its
    /// decoding factor, 150 KB of it held already) cannot be taken, and holds the reservation:
    /// a quarter of the budget (1 MB). While it waits, a 10 KB /cce body (260 KB at its factor)
    /// that the free 1.15 MB would take is refused (503, Retry-After): the room is kept. Once
    /// the holders go, the stream is scored, then the /cce body.
    @Test func aWaitingBatchIsKeptRoomAndScoredOnceThereIs() throws {
        let service = try ServiceProcess.start(extraArguments: Self.arguments)
        defer { service.stop() }
        let holders = try (0..<3).map { _ in try Self.holder(port: service.port, bytes: 950_000) }
        #expect(
            try waitFor { (try LinesOverHTTPTests.charged(service.port) ?? 0) >= 2_850_000 },
            "the holders' unfinished lines are charged")

        let waiting = try HTTPConnection(port: service.port, timeoutSeconds: 60)
        try waiting.send(
            "POST", "/cce/lines", headers: [("Content-Type", "application/x-ndjson")],
            body: Self.line(bytes: 150_000))
        let small = #"{"predictions":[[0.25,0.75]],"labels":[1]}"# + String(repeating: " ", count: 10_000)
        var refused: HTTPAnswer?
        _ = try waitFor {
            let answer = try httpRequest(port: service.port, "POST", "/cce", json: small)
            if answer.status == 503 { refused = answer }
            return answer.status == 503
        }
        #expect(refused?.header("Retry-After") == "1", "a body is refused while the batch waits")

        for holder in holders { holder.close() }
        let answer = try waiting.readResponse()
        #expect(answer.status == 200, "\(answer.text.prefix(300))")
        #expect(answer.json["n"]?.int == 1)
        let after = try httpRequest(port: service.port, "POST", "/cce", json: small)
        #expect(after.status == 200)
        #expect(try LinesOverHTTPTests.chargeReturnsToZero(service.port))
    }

    /// A line whose decoding charge (195 KB × 20 = 3.9 MB) fits the 4 MB budget is scored, its
    /// bytes not counted twice (held, then decoding; an outside tester's lines of 190–200 KB
    /// waited and got 503); and a long line after short ones is a batch of its own, not added
    /// to theirs past what the budget takes (they got 413).
    @Test func aLineNearTheBudgetIsScoredAloneOrAfterShortLines() throws {
        let service = try ServiceProcess.start(extraArguments: Self.arguments)
        defer { service.stop() }
        let alone = try LinesOverHTTPTests.stream(port: service.port, "/cce/lines", Self.line(bytes: 195_000))
        #expect(alone.status == 200, "\(alone.text.prefix(300))")
        let short = Array(String(repeating: #"{"prediction":[0.25,0.75],"label":1}"# + "\n", count: 1200).utf8)
        let mixed = try LinesOverHTTPTests.stream(
            port: service.port, "/cce/lines", short + Self.line(bytes: 165_000))
        #expect(mixed.status == 200, "\(mixed.text.prefix(300))")
        #expect(mixed.json["n"]?.int == 1201)
        #expect(try LinesOverHTTPTests.chargeReturnsToZero(service.port))
    }

    /// A 250 KB line is 5 MB at its decoding factor, more than the whole 4 MB budget: it could
    /// never be taken, so the answer is 413 at once, naming the budget.
    @Test func aBatchLargerThanTheWholeBudgetIs413() throws {
        let service = try ServiceProcess.start(extraArguments: Self.arguments)
        defer { service.stop() }
        let started = Date()
        let answer = try LinesOverHTTPTests.stream(port: service.port, "/cce/lines", Self.line(bytes: 250_000))
        #expect(answer.status == 413)
        #expect(
            answer.json["detail"]?.string?.contains("more than the whole budget (4000000 bytes)") == true,
            "\(answer.text)")
        #expect(Date().timeIntervalSince(started) < 5, "refused at once, not after the wait for room")
        #expect(try LinesOverHTTPTests.chargeReturnsToZero(service.port))
    }

    /// A line whose charge is the whole budget (200,000 bytes × 20) followed by a short line:
    /// the short line's bytes, read with the long line's end, stay held beside its batch, which
    /// then can never be taken. It is refused at once (413), or scored when the short line came
    /// in a later read; never left to wait for room it cannot get (an outside tester got 503
    /// after the 10 s wait).
    @Test func aLineOfTheWholeBudgetWithALineAfterItIsAnsweredAtOnce() throws {
        let service = try ServiceProcess.start(extraArguments: Self.arguments)
        defer { service.stop() }
        let body = Self.line(bytes: 200_000) + Array("\n{\"prediction\":[0.25,0.75],\"label\":1}\n".utf8)
        let started = Date()
        let answer = try LinesOverHTTPTests.stream(port: service.port, "/cce/lines", body)
        #expect(Date().timeIntervalSince(started) < 5, "answered without waiting for room")
        #expect(answer.status == 413 || answer.status == 200, "\(answer.text.prefix(300))")
        if answer.status == 413 {
            #expect(answer.json["detail"]?.string?.contains("bytes of lines after it") == true, "\(answer.text)")
        } else {
            #expect(answer.json["n"]?.int == 2)
        }
        #expect(try LinesOverHTTPTests.chargeReturnsToZero(service.port))
    }

    /// Polls `done` every 50 ms for up to 10 s.
    private func waitFor(_ done: () throws -> Bool) throws -> Bool {
        for _ in 0..<200 {
            if try done() { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return false
    }
}
