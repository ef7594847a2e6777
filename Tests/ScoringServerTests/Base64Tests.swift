import Foundation
import Testing

@testable import ScoringServer

/// The tensor's base64 decoder against Foundation's encoder.
@Suite struct Base64Tests {
    private func decode(_ text: String) -> [UInt8]? {
        var text = text
        return text.withUTF8 { utf8 -> [UInt8]? in
            guard let count = Base64.decodedCount(utf8) else { return nil }
            var bytes = [UInt8](repeating: 0, count: count)
            let valid = bytes.withUnsafeMutableBytes { Base64.decode(utf8, into: $0) }
            return valid ? bytes : nil
        }
    }

    @Test func roundTripsEveryLengthAndByte() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<200 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let text = Data(bytes).base64EncodedString()
            #expect(decode(text) == bytes, "length \(length)")
            if text.hasSuffix("=") { #expect(decode(String(text.prefix { $0 != "=" })) == nil, "unpadded") }
        }
        let everyByte = (0...255).map { UInt8($0) }
        #expect(decode(Data(everyByte).base64EncodedString()) == everyByte)
    }

    @Test func refusesWhatIsNotPaddedStandardBase64() {
        for text in [
            "A", "ABCDE", "AB=C", "A===", "====", "AB=", "AB\nCD==", "AB CD", "AB-_", "QUJD\u{e9}", "=AAA", "AAAA=AAA",
        ] {
            #expect(decode(text) == nil, "\(text.debugDescription)")
        }
    }

    @Test func largeTextsDecodeOnAllCoresToTheSameBytes() {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<(3 * Base64.charactersPerChunk / 4 * 3 + 7)).map { _ in
            UInt8.random(in: 0...255, using: &generator)
        }
        var text = Data(bytes).base64EncodedString()
        let decoded = text.withUTF8 { utf8 in
            var output = [UInt8](repeating: 0, count: bytes.count)
            let valid = output.withUnsafeMutableBytes { Base64.decodeConcurrently(utf8, into: $0) }
            return valid ? output : nil
        }
        #expect(decoded == bytes)
        // A bad character in the middle of the second chunk is found.
        var broken = Array(text.utf8)
        broken[Base64.charactersPerChunk + 1000] = UInt8(ascii: "*")
        let refused = broken.withUnsafeBufferPointer { utf8 in
            var output = [UInt8](repeating: 0, count: bytes.count)
            return output.withUnsafeMutableBytes { Base64.decodeConcurrently(utf8, into: $0) }
        }
        #expect(!refused)
    }
}
