import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A swift-log handler that writes one JSON object per line: timestamp (UTC, milliseconds),
/// level, message, the logger's label as `logger`, then metadata members in name order.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    private let label: String
    private let sink: LogSink

    public init(label: String, sink: LogSink, level: Logger.Level) {
        self.label = label
        self.sink = sink
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var json = JSONWriter(capacity: 256)
        json.raw("{")
        json.key("timestamp")
        json.string(Self.timestamp())
        json.comma()
        json.key("level")
        json.string(event.level.rawValue)
        json.comma()
        json.key("message")
        json.string(event.message.description)
        json.comma()
        json.key("logger")
        json.string(label)
        var all = self.metadata
        if let extra = event.metadata { all.merge(extra) { $1 } }
        for (key, value) in all.sorted(by: { $0.key < $1.key }) {
            json.comma()
            json.string(key)
            json.raw(":")
            Self.write(value, to: &json)
        }
        json.raw("}\n")
        sink.write(json.bytes, urgent: event.level >= .error)
    }

    private static func write(_ value: Logger.Metadata.Value, to json: inout JSONWriter) {
        switch value {
        case .string(let text):
            json.string(text)
        case .stringConvertible(let convertible):
            if let number = convertible as? Int {
                json.integer(number)
            } else if let number = convertible as? Double, number.isFinite {
                json.number(number)
            } else {
                json.string(convertible.description)
            }
        case .array(let values):
            json.raw("[")
            for (i, element) in values.enumerated() {
                if i > 0 { json.comma() }
                write(element, to: &json)
            }
            json.raw("]")
        case .dictionary(let members):
            json.raw("{")
            for (i, (key, element)) in members.sorted(by: { $0.key < $1.key }).enumerated() {
                if i > 0 { json.comma() }
                json.string(key)
                json.raw(":")
                write(element, to: &json)
            }
            json.raw("}")
        }
    }

    /// 2026-11-29T01:02:03.456Z
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var parts = tm()
        var seconds = now.tv_sec
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(now.tv_nsec / 1_000_000), 3))Z"
    }
}
