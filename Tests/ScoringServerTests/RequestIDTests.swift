import HTTPTransport
import Testing

@testable import ScoringServer

/// Request ids: the caller's when acceptable, else a fresh one from a process prefix and a counter.
@Suite struct RequestIDTests {
    @Test func freshIDsAre32HexDigitsWithOneProcessPrefix() {
        let ids = (0..<100).map { _ in RequestID.fresh() }
        #expect(ids.allSatisfy { $0.utf8.count == 32 && $0.allSatisfy { "0123456789abcdef".contains($0) } })
        #expect(Set(ids).count == ids.count)
        #expect(Set(ids.map { $0.prefix(16) }).count == 1)
    }

    @Test func callersIDsAreKeptWhenPrintable() {
        #expect(RequestID.resolve("abc-123") == "abc-123")
        #expect(RequestID.resolve("has space").utf8.count == 32)
        #expect(RequestID.resolve(String(repeating: "a", count: 129)).utf8.count == 32)
        #expect(RequestID.resolve(nil).utf8.count == 32)
    }
}
