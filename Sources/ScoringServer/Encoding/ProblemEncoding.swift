extension Problem {
    /// The RFC 9457 document for this problem.
    func write(to json: inout JSONWriter) {
        json.raw("{")
        json.member("type", type.uri)
        json.nextMember("title", type.title)
        json.nextMember("status", status)
        json.nextMember("detail", detail)
        if !errors.isEmpty {
            json.comma()
            json.key("errors")
            json.raw("[")
            for (i, error) in errors.enumerated() {
                if i > 0 { json.comma() }
                json.raw("{")
                json.member("pointer", error.pointer)
                json.nextMember("detail", error.detail)
                json.raw("}")
            }
            json.raw("]")
        }
        json.raw("}")
    }

    var jsonBytes: [UInt8] {
        var json = JSONWriter()
        write(to: &json)
        return json.bytes
    }
}
