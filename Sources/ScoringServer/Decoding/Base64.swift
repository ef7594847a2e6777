/// Standard base64 (RFC 4648 alphabet, `=` padding to a multiple of 4, no whitespace) decoded straight into caller-provided memory: a tensor's bytes land in its
/// `[Double]` storage without the intermediate `Data` of `Data(base64Encoded:)` (one copy and
/// one body-sized buffer fewer).
enum Base64 {
    /// The decoded length of `text`, or nil when its length and padding cannot be base64.
    static func decodedCount(_ text: UnsafeBufferPointer<UInt8>) -> Int? {
        guard text.count % 4 == 0 else { return nil }
        guard let last = text.last else { return 0 }
        let padding = last != pad ? 0 : (text[text.count - 2] == pad ? 2 : 1)
        return text.count / 4 * 3 - padding
    }

    /// Decodes `text` into `output`, which must hold exactly `decodedCount(text)` bytes.
    /// Returns false on a character outside the alphabet, or padding anywhere but the end.
    static func decode(_ text: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableRawBufferPointer) -> Bool {
        guard let count = decodedCount(text), count == output.count else { return false }
        let table = sextets
        let significant = (count * 8 + 5) / 6  // characters that carry bits; the rest is padding
        var o = 0
        var i = 0
        while i + 4 <= significant {
            let a = table[Int(text[i])]
            let b = table[Int(text[i + 1])]
            let c = table[Int(text[i + 2])]
            let d = table[Int(text[i + 3])]
            guard (a | b | c | d) & 0x80 == 0 else { return false }
            let bits = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
            output[o] = UInt8(truncatingIfNeeded: bits >> 16)
            output[o + 1] = UInt8(truncatingIfNeeded: bits >> 8)
            output[o + 2] = UInt8(truncatingIfNeeded: bits)
            o += 3
            i += 4
        }
        // A last group of 2 or 3 characters carries 1 or 2 bytes.
        var bits: UInt32 = 0
        for k in 0..<4 {
            let sextet = i + k < significant ? table[Int(text[i + k])] : 0
            guard sextet & 0x80 == 0 else { return false }
            bits = bits << 6 | UInt32(sextet)
        }
        for k in 0..<(count - o) { output[o + k] = UInt8(truncatingIfNeeded: bits >> (16 - 8 * k)) }
        return true
    }

    private static let pad = UInt8(ascii: "=")

    /// 6-bit value of each byte; 0x80 marks bytes outside the alphabet (including `=`).
    private static let sextets: [UInt8] = {
        var table = [UInt8](repeating: 0x80, count: 256)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        for (value, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(value) }
        return table
    }()
}
