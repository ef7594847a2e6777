import Synchronization

/// The `X-Request-Id` of an exchange: the caller's, when it is printable ASCII of at most 128
/// characters, or a fresh random one (32 hex digits).
public enum RequestID {
    /// The longest caller id echoed as it is.
    public static let maximumLength = 128

    /// The caller's id when acceptable, else a fresh one.
    public static func resolve(_ incoming: String?) -> String {
        if let incoming, isAcceptable(incoming) { return incoming }
        return fresh()
    }

    /// Printable ASCII without spaces, 1 to `maximumLength` bytes.
    public static func isAcceptable(_ value: String) -> Bool {
        let bytes = value.utf8
        return !bytes.isEmpty && bytes.count <= maximumLength && bytes.allSatisfy { (0x21...0x7E).contains($0) }
    }

    /// A random process prefix and a counter: unique, and no system call per request.
    public static func fresh() -> String {
        let value = counter.wrappingAdd(1, ordering: .relaxed).newValue &* 0x9E37_79B9_7F4A_7C15
        return String(unsafeUninitializedCapacity: 32) { buffer in
            for (i, digit) in prefixDigits.enumerated() { buffer[i] = digit }
            writeHex(value, into: UnsafeMutableBufferPointer(rebasing: buffer[16..<32]))
            return 32
        }
    }

    private static let prefixDigits: [UInt8] = {
        var generator = SystemRandomNumberGenerator()
        var digits = [UInt8](repeating: 0, count: 16)
        digits.withUnsafeMutableBufferPointer { writeHex(generator.next(), into: $0) }
        return digits
    }()
    private static let counter = Atomic<UInt64>(0)

    /// The 16 lowercase hex digits of `value`, most significant first.
    private static func writeHex(_ value: UInt64, into buffer: UnsafeMutableBufferPointer<UInt8>) {
        let digits: StaticString = "0123456789abcdef"
        for i in 0..<16 {
            let nibble = Int(truncatingIfNeeded: value >> UInt64(60 - 4 * i)) & 0xF
            buffer[i] = digits.utf8Start[nibble]
        }
    }
}
