/// The rule for a `model` name, the same in requests and in `--model-labels`: 1 to 64
/// characters of `A-Z a-z 0-9 . _ : -`, so that it can stand in a log line or a metric label
/// as it is.
public enum ModelName {
    /// The longest name accepted.
    public static let maxLength = 64

    /// Why `name` is not a model name, or nil when it is one.
    public static func flaw(_ name: String) -> String? {
        let bytes = name.utf8
        if bytes.isEmpty { return "is empty" }
        // Counted in bytes: every allowed character is one byte, so a longer UTF-8 text is refused either way.
        if bytes.count > maxLength { return "is longer than \(maxLength) characters" }
        if !bytes.allSatisfy(isAllowed) { return "may only hold the characters A-Z a-z 0-9 . _ : -" }
        return nil
    }

    private static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: ":"),
            UInt8(ascii: "-"):
            true
        default: false
        }
    }
}
