import Testing

@testable import ScoringServer

/// The JSON Lines framer: lines at `\n`, `\r\n` stripped, blank lines skipped, long lines cut.
@Suite struct LineFramerTests {
    private func frame(_ text: String, chunk: Int, max: Int = 1 << 20) -> [LineFramer.Line] {
        frame(Array(text.utf8), chunk: chunk, max: max)
    }

    private func frame(_ bytes: [UInt8], chunk: Int, max: Int = 1 << 20) -> [LineFramer.Line] {
        var framer = LineFramer(maxLineBytes: max)
        var lines: [LineFramer.Line] = []
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + chunk)
            bytes[start..<end].withUnsafeBytes { framer.feed($0) { lines.append(LineFramer.Line($0)) } }
            start = end
        }
        framer.finish { lines.append(LineFramer.Line($0)) }
        return lines
    }

    private func text(_ index: Int, _ string: String) -> LineFramer.Line {
        .text(index: index, bytes: Array(string.utf8))
    }

    @Test(arguments: [1, 2, 3, 5, 7, 64]) func splitsInsideANumberACharacterAndACRLFAreJoined(chunk: Int) {
        let input = "{\"prediction\":[0.125,0.875],\"label\":1}\r\n{\"é\":\"日本\"}\r\n12345.678\n"
        #expect(
            frame(input, chunk: chunk) == [
                text(0, "{\"prediction\":[0.125,0.875],\"label\":1}"), text(1, "{\"é\":\"日本\"}"), text(2, "12345.678"),
            ])
    }

    @Test(arguments: [1, 4, 100]) func theLastLineMayLackANewline(chunk: Int) {
        #expect(frame("a\nbc", chunk: chunk) == [text(0, "a"), text(1, "bc")])
        #expect(frame("a\nbc\r", chunk: chunk) == [text(0, "a"), text(1, "bc")])
    }

    @Test func blankLinesAreSkippedButCounted() {
        #expect(frame("\n  \r\n{}\n\t\n{}", chunk: 3) == [text(2, "{}"), text(4, "{}")])
        #expect(frame("", chunk: 1).isEmpty)
        #expect(frame("\n\n", chunk: 1).isEmpty)
    }

    /// A line of only a byte order mark (an empty file saved with one, joined with `cat`) is
    /// blank; a mark before a value is the value's (JSONDecoder skips it).
    @Test(arguments: [1, 2, 100]) func aLineOfOnlyAByteOrderMarkIsBlank(chunk: Int) {
        let bom = "\u{FEFF}"
        #expect(frame("{}\n\(bom)\n\(bom) \t\r\n\(bom){}\n", chunk: chunk) == [text(0, "{}"), text(3, "\(bom){}")])
    }

    @Test(arguments: [1, 3, 1000]) func aLineOverTheLimitIsReportedWithoutBeingHeld(chunk: Int) {
        // 8 bytes fit, 9 do not; a CRLF after 8 bytes still fits.
        let lines = frame("12345678\r\n123456789\nok\n" + String(repeating: "x", count: 5000), chunk: chunk, max: 8)
        #expect(lines == [text(0, "12345678"), .tooLong(index: 1), text(2, "ok"), .tooLong(index: 3)])
    }

    @Test func heldBytesStayWithinTheLimitWhileALongLineArrives() {
        var framer = LineFramer(maxLineBytes: 16)
        let chunk = [UInt8](repeating: UInt8(ascii: "0"), count: 10)
        for _ in 0..<1000 {
            chunk.withUnsafeBytes { framer.feed($0) { _ in Issue.record("no line ends") } }
            #expect(framer.pending.count <= 17)
        }
    }

    @Test func aBatchGivesBackItsLinesInOrderAndIsReusedEmptied() {
        var batch = LineBatch(capacity: 16)
        var framer = LineFramer(maxLineBytes: 8)
        for round in 0..<2 {
            Array("ab\n\n123456789\r\n{}\r\nlast".utf8).withUnsafeBytes { framer.feed($0) { batch.append($0) } }
            framer.finish { batch.append($0) }
            var lines: [LineFramer.Line] = []
            batch.visit {
                lines.append(LineFramer.Line($0))
                return true
            }
            let base = round * 5
            #expect(
                lines == [
                    text(base, "ab"), .tooLong(index: base + 2), text(base + 3, "{}"), text(base + 4, "last"),
                ])
            #expect(batch.byteCount == 8 && batch.count == 4)
            var first: [LineFramer.Line] = []
            batch.visit {
                first.append(LineFramer.Line($0))
                return false
            }
            #expect(first == [text(base, "ab")])
            batch.removeAll()
            #expect(batch.isEmpty && batch.byteCount == 0)
        }
    }

    @Test func twoObjectsOnOneLineAreOneLineThatIsNotJSON() throws {
        let lines = frame("{\"a\":1} {\"b\":2}\n", chunk: 4)
        #expect(lines == [text(0, "{\"a\":1} {\"b\":2}")])
        let options = try LineOptions.parse(query: nil, kind: .cce).get()
        let decoder = LineDecoder(kind: .cce, options: options, limits: .default)
        guard case .text(let index, let bytes) = lines[0] else { return }
        let result = bytes.withUnsafeBytes { decoder.decode($0, index: index) }
        guard case .failure(let problem) = result else {
            Issue.record("decoded")
            return
        }
        #expect(problem.status == 400)
        #expect(problem.detail.hasPrefix("line 1: "))
        #expect(problem.errors.allSatisfy { $0.pointer.hasPrefix("/lines/0") })
    }
}

extension LineFramer {
    /// A framed line with its bytes copied out, to compare.
    enum Line: Equatable {
        case text(index: Int, bytes: [UInt8])
        case tooLong(index: Int)

        init(_ piece: Piece) {
            switch piece {
            case .text(let index, let bytes): self = .text(index: index, bytes: Array(bytes))
            case .tooLong(let index): self = .tooLong(index: index)
            }
        }
    }
}
