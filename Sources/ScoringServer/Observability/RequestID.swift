import Synchronization

/// The `X-Request-Id` of an exchange: the caller's, when it is printable ASCII of at most 128
/// characters, or a fresh random one (32 hex digits).
enum RequestID {
    static let maximumLength = 128

    static func resolve(_ incoming: String?) -> String {
        if let incoming, isAcceptable(incoming) { return incoming }
        return fresh()
    }

    static func isAcceptable(_ value: String) -> Bool {
        let bytes = value.utf8
        return !bytes.isEmpty && bytes.count <= maximumLength && bytes.allSatisfy { (0x21...0x7E).contains($0) }
    }

    /// A random process prefix and a counter: unique, and no system call per request.
    static func fresh() -> String {
        hex(processPrefix) + hex(counter.wrappingAdd(1, ordering: .relaxed).newValue &* 0x9E37_79B9_7F4A_7C15)
    }

    private static let processPrefix: UInt64 = {
        var generator = SystemRandomNumberGenerator()
        return generator.next()
    }()
    private static let counter = Atomic<UInt64>(0)

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
