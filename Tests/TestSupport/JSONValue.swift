import Foundation

/// Any JSON document, read with JSONDecoder so numbers keep every bit (Foundation's
/// JSONSerialization hands back NSNumbers whose Double bridging can lose the last bit on Linux).
public enum JSONValue: Decodable, Equatable, Sendable {
    case number(Double)
    case string(String)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let value = try decoder.singleValueContainer()
        if value.decodeNil() {
            self = .null
        } else if let bool = try? value.decode(Bool.self) {
            self = .bool(bool)
        } else if let number = try? value.decode(Double.self) {
            self = .number(number)
        } else if let string = try? value.decode(String.self) {
            self = .string(string)
        } else if let array = try? value.decode([JSONValue].self) {
            self = .array(array)
        } else {
            self = .object(try value.decode([String: JSONValue].self))
        }
    }

    /// Parses bytes; anything that is not JSON becomes `.null`.
    public static func parse<Bytes: Sequence>(_ bytes: Bytes) -> JSONValue where Bytes.Element == UInt8 {
        (try? JSONDecoder().decode(JSONValue.self, from: Data(bytes))) ?? .null
    }

    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    public subscript(index: Int) -> JSONValue? {
        if case .array(let items) = self, items.indices.contains(index) { return items[index] }
        return nil
    }

    public var double: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    public var int: Int? { double.flatMap { Int(exactly: $0) } }

    public var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var array: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    public var doubles: [Double]? { array?.compactMap(\.double) }
    public var strings: [String]? { array?.compactMap(\.string) }
}

extension JSONValue {
    /// The pointers of a problem document's `errors`.
    public var problemPointers: [String] { self["errors"]?.array?.compactMap { $0["pointer"]?.string } ?? [] }
    /// The details of a problem document's `errors`.
    public var problemDetails: [String] { self["errors"]?.array?.compactMap { $0["detail"]?.string } ?? [] }
}

extension JSONValue {
    /// The value as JSON text again, numbers in Swift's round-trip form and members in name
    /// order (strings are written as they are: test vectors hold no characters to escape).
    public var jsonText: String {
        switch self {
        case .number(let x): "\(x)"
        case .string(let s): "\"\(s)\""
        case .bool(let b): "\(b)"
        case .null: "null"
        case .array(let items): "[" + items.map(\.jsonText).joined(separator: ",") + "]"
        case .object(let members):
            "{" + members.keys.sorted().map { "\"\($0)\":\(members[$0]!.jsonText)" }.joined(separator: ",") + "}"
        }
    }
}

/// How a test vector's `expected` loss, sum and per-sample losses differ from a server's
/// result: one line per value off by more than 1e-12 relative (or `absolute`); empty when all match.
public func vectorMismatches(_ name: String, expected: JSONValue?, actual: JSONValue?, absolute: Double) -> [String] {
    func matches(_ a: Double?, _ e: Double?) -> Bool { isClose(a, e, relative: 1e-12, absolute: absolute) }
    var found: [String] = []
    for field in ["loss", "sum"] where !matches(actual?[field]?.double, expected?[field]?.double) {
        found.append(
            "\(name) \(field): \(String(describing: actual?[field])) vs \(String(describing: expected?[field]))")
    }
    let losses = actual?["losses"]?.doubles ?? []
    let expectedLosses = expected?["losses"]?.doubles ?? []
    if losses.count != expectedLosses.count {
        found.append("\(name): \(losses.count) losses, \(expectedLosses.count) expected")
    }
    for (i, (a, e)) in zip(losses, expectedLosses).enumerated() where !matches(a, e) {
        found.append("\(name) losses[\(i)]: \(a) vs \(e)")
    }
    return found
}
