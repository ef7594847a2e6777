/// A member name a client sent, as a problem quotes it (cut by `ClientText`) and points at it.
/// A cut name is no pointer to anything, so a problem about a member whose name was cut points
/// at the member's object and says in its words that the name was cut.
struct MemberName: Sendable, Equatable, Comparable {
    /// The name, cut for echoing.
    let quoted: String
    /// Whether `quoted` is only the name's beginning.
    let isCut: Bool

    init(_ name: String) {
        quoted = ClientText.cut(name)
        isCut = quoted != name
    }

    /// "'name'", or "'name…' (name cut to its first 64 characters; the pointer is its object's)".
    var described: String {
        isCut
            ? "'\(quoted)' (name cut to its first \(ClientText.maximumNameLength) characters; the pointer is its object's)"
            : "'\(quoted)'"
    }

    /// The member's pointer inside the object at `object`; the object's own when the name was cut.
    func pointer(in object: String) -> String {
        isCut ? object : object + "/" + JSONPointer.escape(quoted)
    }

    static func < (a: MemberName, b: MemberName) -> Bool { a.quoted < b.quoted }
}
