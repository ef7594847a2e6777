import Testing

@testable import ScoringServer

/// The response writer's number forms against Swift's own description.
@Suite struct JSONWriterTests {
    private func written(_ write: (inout JSONWriter) -> Void) -> String {
        var json = JSONWriter()
        write(&json)
        return String(decoding: json.bytes, as: UTF8.self)
    }

    @Test func integersAreWrittenAsDecimalDigits() {
        var generator = SystemRandomNumberGenerator()
        let values =
            [0, 1, -1, 9, 10, -10, 99, 100, Int.max, Int.min, Int.max - 1, Int.min + 1]
            + (0..<1000).map { _ in Int.random(in: Int.min...Int.max, using: &generator) }
            + (0..<1000).map { _ in Int.random(in: -100_000...100_000, using: &generator) }
        for value in values {
            #expect(written { $0.integer(value) } == String(value))
        }
    }

    @Test func wholeDoublesAreWrittenWithoutAFraction() {
        #expect(written { $0.number(2) } == "2")
        #expect(written { $0.number(-0.0) } == "0")
        #expect(written { $0.number(1e15) } == "1000000000000000.0")  // Swift's description past 2^53 territory
        #expect(written { $0.number(0.5145731728297583) } == "0.5145731728297583")
    }
}
