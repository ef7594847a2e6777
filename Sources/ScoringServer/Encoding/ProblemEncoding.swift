extension Problem {
    /// The RFC 9457 document for this problem.
    func write(to json: inout JSONWriter) {
        json.object { object in
            object.member("type", type.uri)
            object.member("title", type.title)
            object.member("status", status)
            object.member("detail", detail)
            if !errors.isEmpty {
                object.member("errors") { json in
                    json.array(errors) { json, error in
                        json.object { item in
                            item.member("pointer", error.pointer)
                            item.member("detail", error.detail)
                        }
                    }
                }
            }
        }
    }

    var jsonBytes: [UInt8] {
        var json = JSONWriter()
        write(to: &json)
        return json.bytes
    }
}
