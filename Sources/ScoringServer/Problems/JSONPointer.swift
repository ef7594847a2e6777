/// RFC 6901 JSON pointers, built from coding paths or path components.
enum JSONPointer {
    static func from(_ path: [any CodingKey]) -> String {
        path.map { key in "/" + escape(key.intValue.map(String.init) ?? key.stringValue) }.joined()
    }

    static func escape(_ token: String) -> String {
        // Bytes, not Characters: this runs for every pointer made.
        guard token.utf8.contains(where: { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "/") }) else { return token }
        return token.replacing("~", with: "~0").replacing("/", with: "~1")
    }
}
