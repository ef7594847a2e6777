/// The members of one JSON object being written: each `member` puts the comma before it when
/// it is not the first, so no caller writes a comma or a brace by hand. Made by
/// `JSONWriter.object`, which takes the writer's bytes for the object's lifetime (no copy).
struct JSONObjectWriter {
    private var json: JSONWriter
    private var isEmpty = true

    fileprivate init(taking writer: inout JSONWriter) {
        json = writer
        writer = JSONWriter(capacity: 0)  // the bytes now have one owner: appending copies nothing
        json.append(UInt8(ascii: "{"))
    }

    fileprivate mutating func finish() -> JSONWriter {
        json.append(UInt8(ascii: "}"))
        return json
    }

    /// `"name":value`.
    mutating func member<Value: JSONWritable>(_ name: StaticString, _ value: Value) {
        startMember(name)
        value.write(to: &json)
    }

    /// `"name":` then whatever `write` writes (an array, pre-written bytes, …).
    mutating func member(_ name: StaticString, writing write: (inout JSONWriter) throws -> Void) rethrows {
        startMember(name)
        try write(&json)
    }

    /// `"name":{…}`.
    mutating func member(_ name: StaticString, object build: (inout JSONObjectWriter) throws -> Void) rethrows {
        startMember(name)
        try json.object(build)
    }

    /// A member whose name is only known at run time (log metadata); the name is escaped.
    mutating func member(named name: String, writing write: (inout JSONWriter) -> Void) {
        if !isEmpty { json.comma() }
        isEmpty = false
        json.string(name)
        json.append(UInt8(ascii: ":"))
        write(&json)
    }

    private mutating func startMember(_ name: StaticString) {
        if !isEmpty { json.comma() }
        isEmpty = false
        json.append(UInt8(ascii: "\""))
        json.raw(name)
        json.append(UInt8(ascii: "\""))
        json.append(UInt8(ascii: ":"))
    }
}

extension JSONWriter {
    /// `{…}`: `build` writes the members; the object puts the commas between them.
    mutating func object(_ build: (inout JSONObjectWriter) throws -> Void) rethrows {
        var object = JSONObjectWriter(taking: &self)
        defer { self = object.finish() }
        try build(&object)
    }
}

/// A value `JSONWriter` writes as it is: numbers in their shortest round-trip form, strings
/// escaped, nil as null.
protocol JSONWritable {
    func write(to json: inout JSONWriter)
}

extension String: JSONWritable {
    func write(to json: inout JSONWriter) { json.string(self) }
}

extension Double: JSONWritable {
    func write(to json: inout JSONWriter) { json.number(self) }
}

extension Int: JSONWritable {
    func write(to json: inout JSONWriter) { json.integer(self) }
}

extension Bool: JSONWritable {
    func write(to json: inout JSONWriter) { json.bool(self) }
}

extension Array: JSONWritable where Element: JSONWritable {
    func write(to json: inout JSONWriter) { json.array(self) { $1.write(to: &$0) } }
}

extension Optional: JSONWritable where Wrapped: JSONWritable {
    func write(to json: inout JSONWriter) {
        if let value = self { value.write(to: &json) } else { json.null() }
    }
}
