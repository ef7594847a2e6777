/// A coding key for any object member, so a request can be read member by member and
/// members the service does not know can be reported instead of silently ignored.
struct FieldKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }

    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
