import Dispatch

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

    /// Text per chunk when decoding on all cores: whole groups, and 196,608 bytes of output (a
    /// multiple of 8, so chunks never split a float64).
    static let charactersPerChunk = 262_144

    /// `decode(_:into:)` on all cores for large texts: each chunk of whole 4-character groups
    /// decodes on its own; only the last may carry padding.
    static func decodeConcurrently(_ text: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableRawBufferPointer)
        -> Bool
    {
        let chunks = (text.count + charactersPerChunk - 1) / charactersPerChunk
        guard chunks > 1, decodedCount(text) == output.count else { return decode(text, into: output) }
        let bytesPerChunk = charactersPerChunk / 4 * 3
        var valid = [Bool](repeating: false, count: chunks)
        valid.withUnsafeMutableBufferPointer { valid in
            // Chunks read and write disjoint ranges.
            nonisolated(unsafe) let (valid, text, output) = (valid, text, output)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let characters = chunk * charactersPerChunk..<min((chunk + 1) * charactersPerChunk, text.count)
                let bytes = chunk * bytesPerChunk..<(chunk == chunks - 1 ? output.count : (chunk + 1) * bytesPerChunk)
                valid[chunk] = decode(
                    UnsafeBufferPointer(rebasing: text[characters]),
                    into: UnsafeMutableRawBufferPointer(rebasing: output[bytes])
                )
            }
        }
        return valid.allSatisfy { $0 }
    }

    /// Decodes `text` into `output`, which must hold exactly `decodedCount(text)` bytes.
    /// Returns false on a character outside the alphabet, or padding anywhere but the end.
    static func decode(_ text: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableRawBufferPointer) -> Bool {
        guard let count = decodedCount(text), count == output.count else { return false }
        guard count > 0, let input = text.baseAddress, let out = output.baseAddress else { return count == 0 }
        let significant = (count * 8 + 5) / 6  // characters that carry bits; the rest is padding
        return sextets.withUnsafeBufferPointer { table in
            // Invalid characters are collected in one flag rather than branched on per group.
            var invalid: UInt8 = 0
            var i = 0
            var o = 0
            while i + 4 <= significant {
                let a = table[Int(input[i])]
                let b = table[Int(input[i + 1])]
                let c = table[Int(input[i + 2])]
                let d = table[Int(input[i + 3])]
                invalid |= a | b | c | d
                let bits = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                out.storeBytes(of: UInt8(truncatingIfNeeded: bits >> 16), toByteOffset: o, as: UInt8.self)
                out.storeBytes(of: UInt8(truncatingIfNeeded: bits >> 8), toByteOffset: o + 1, as: UInt8.self)
                out.storeBytes(of: UInt8(truncatingIfNeeded: bits), toByteOffset: o + 2, as: UInt8.self)
                i += 4
                o += 3
            }
            // A last group of 2 or 3 characters carries 1 or 2 bytes.
            var bits: UInt32 = 0
            for k in 0..<4 {
                let sextet = i + k < significant ? table[Int(input[i + k])] : 0
                invalid |= sextet
                bits = bits << 6 | UInt32(sextet & 0x3F)
            }
            for k in 0..<(count - o) {
                out.storeBytes(of: UInt8(truncatingIfNeeded: bits >> (16 - 8 * k)), toByteOffset: o + k, as: UInt8.self)
            }
            return invalid & 0x80 == 0
        }
    }

    /// Whether every character before the padding is in the alphabet (for the error path: a
    /// text that is not base64 is told so before its length is compared with the shape's).
    static func isAlphabet(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let count = decodedCount(text) else { return false }
        let significant = (count * 8 + 5) / 6
        return text.prefix(significant).allSatisfy { sextets[Int($0)] & 0x80 == 0 }
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
