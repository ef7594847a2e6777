/// What a body JSONDecoder refused as a whole shows at a glance, to pick the words of its 400:
/// on Linux the decoder's error says nothing about the cause.
///
/// Not a parser: it runs once over the bytes of a body already refused, builds no value and
/// decides nothing about validity (JSONDecoder did); it only tells strings from the rest, so
/// that `"NaN"` inside a string is not taken for the bare token and brackets inside strings do
/// not count as nesting.
struct SyntaxHints {
    /// How deep JSONDecoder lets arrays and objects nest (swift-foundation's JSONScanner refuses
    /// the 513th level).
    static let depthLimit = 512

    /// Where (the byte offset, from 0) the first `NaN` or `Infinity` stands outside any string
    /// as a token of its own: JSONDecoder's error keeps no position, and a large matrix needs one.
    private(set) var nonFiniteOffset: Int?
    /// The deepest nesting of arrays and objects reached.
    private(set) var depth = 0

    init(_ body: UnsafeRawBufferPointer) {
        var open = 0
        var inString = false
        var escaped = false
        var i = 0
        while i < body.count {
            let byte = body[i]
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
            } else {
                switch byte {
                case UInt8(ascii: "\""): inString = true
                case UInt8(ascii: "["), UInt8(ascii: "{"):
                    open += 1
                    depth = max(depth, open)
                case UInt8(ascii: "]"), UInt8(ascii: "}"): open = max(open - 1, 0)
                case UInt8(ascii: "N"), UInt8(ascii: "I"):
                    if nonFiniteOffset == nil
                        && (Self.token("NaN", at: i, in: body) || Self.token("Infinity", at: i, in: body))
                    {
                        nonFiniteOffset = i
                    }
                default: break
                }
            }
            i += 1
        }
    }

    /// Whether `word` stands at `index` with no letter or digit glued to either side.
    private static func token(_ word: StaticString, at index: Int, in body: UnsafeRawBufferPointer) -> Bool {
        word.withUTF8Buffer { word in
            guard index + word.count <= body.count, word.indices.allSatisfy({ body[index + $0] == word[$0] }) else {
                return false
            }
            let before = index > 0 ? body[index - 1] : nil
            let after = index + word.count < body.count ? body[index + word.count] : nil
            return !isWordByte(before) && !isWordByte(after)
        }
    }

    private static func isWordByte(_ byte: UInt8?) -> Bool {
        guard let byte else { return false }
        return (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
            || byte == UInt8(ascii: "_")
    }
}
