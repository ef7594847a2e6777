extension Problem {
    /// The RFC 9457 document for this problem.
    func write(to json: inout JSONWriter) {
        json.raw("{")
        json.key("type")
        json.string(type)
        json.comma()
        json.key("title")
        json.string(title)
        json.comma()
        json.key("status")
        json.integer(status)
        json.comma()
        json.key("detail")
        json.string(detail)
        if !errors.isEmpty {
            json.comma()
            json.key("errors")
            json.raw("[")
            for (i, error) in errors.enumerated() {
                if i > 0 { json.comma() }
                json.raw("{")
                json.key("pointer")
                json.string(error.pointer)
                json.comma()
                json.key("detail")
                json.string(error.detail)
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
