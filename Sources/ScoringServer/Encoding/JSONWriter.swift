/// Writes JSON straight into a byte buffer. Responses have a fixed, known shape, so this is
/// simpler and several times cheaper than JSONEncoder, and keys stay in a stable order.
/// Doubles are written in Swift's shortest round-trip form: they parse back to the same bits.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func raw(_ data: [UInt8]) {
        bytes.append(contentsOf: data)
    }

    /// A Double. JSON cannot hold infinity or NaN: callers check every number before writing
    /// (a 422 naming the field it comes from), and one that slips through is written as `null`
    /// rather than taking the process (and every request in flight) down.
    mutating func number(_ value: Double) {
        guard value.isFinite else { return null() }
        if value == value.rounded(), abs(value) < 1e15 {
            integer(Int(value))  // 2 rather than 2.0
        } else {
            bytes.append(contentsOf: value.description.utf8)
        }
    }

    /// An integer in decimal, its digits written straight into the buffer (no String made).
    mutating func integer(_ value: Int) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude  // Int.min has no positive Int
        var reversed: (UInt64, UInt64, UInt64) = (0, 0, 0)  // up to 20 digits, one per byte
        var count = 0
        withUnsafeMutableBytes(of: &reversed) { digits in
            repeat {
                digits[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            for index in stride(from: count - 1, through: 0, by: -1) { bytes.append(digits[index]) }
        }
    }

    mutating func bool(_ value: Bool) {
        value ? raw("true") : raw("false")
    }

    mutating func null() { raw("null") }

    mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            if !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
                bytes.append(contentsOf: utf8)  // the common case: nothing to escape
            } else {
                escape(utf8)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func escape(_ utf8: UnsafeBufferPointer<UInt8>) {
        for unit in utf8 {
            switch unit {
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case UInt8(ascii: "\n"): raw("\\n")
            case UInt8(ascii: "\r"): raw("\\r")
            case UInt8(ascii: "\t"): raw("\\t")
            case 0..<0x20:
                raw("\\u00")
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                bytes.append(hex[Int(unit >> 4)])
                bytes.append(hex[Int(unit & 0xF)])
            default: bytes.append(unit)
            }
        }
    }

    mutating func comma() { bytes.append(UInt8(ascii: ",")) }

    /// `[…]`: `write` writes each element; the commas go between them.
    mutating func array<Elements: Sequence>(
        _ elements: Elements, _ write: (inout JSONWriter, Elements.Element) throws -> Void
    ) rethrows {
        bytes.append(UInt8(ascii: "["))
        var first = true
        for element in elements {
            if !first { comma() }
            first = false
            try write(&self, element)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// A value of any `JSONWritable` type.
    mutating func value<Value: JSONWritable>(_ value: Value) { value.write(to: &self) }

    mutating func append(_ byte: UInt8) { bytes.append(byte) }

    mutating func numbers(_ values: [Double]) {
        array(values) { $0.number($1) }
    }
}
