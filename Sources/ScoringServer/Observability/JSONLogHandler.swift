import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A swift-log handler that writes one JSON object per line: timestamp (UTC, milliseconds),
/// level, message, the logger's label as `logger`, then metadata members in name order.
public struct JSONLogHandler: LogHandler {
    /// Events below this level are dropped before anything is formatted.
    public var logLevel: Logger.Level
    /// Metadata written into every line (the event's own wins on a clash).
    public var metadata: Logger.Metadata = [:]
    private let label: String
    private let sink: LogSink

    /// A handler writing lines labelled `label` into `sink`; share one sink between handlers so
    /// their lines are batched together.
    public init(label: String, sink: LogSink, level: Logger.Level) {
        self.label = label
        self.sink = sink
        self.logLevel = level
    }

    /// One metadata value of this handler.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Formats the event as one JSON line and hands it to the sink (errors are flushed at once).
    public func log(event: LogEvent) {
        var json = JSONWriter(capacity: 320)
        json.raw("{")
        json.key("timestamp")
        json.timestamp()
        json.comma()
        json.key("level")
        json.string(event.level.rawValue)
        json.comma()
        json.key("message")
        json.string(event.message.description)
        json.comma()
        json.key("logger")
        json.string(label)
        var all = metadata
        if let extra = event.metadata {
            if all.isEmpty { all = extra } else { all.merge(extra) { $1 } }
        }
        let members = all.count > 1 ? all.sorted { $0.key < $1.key } : Array(all)
        for (key, value) in members {
            json.comma()
            if case .stringConvertible(let convertible) = value, let inline = convertible as? AccessRecord {
                inline.writeFields(to: &json)
                continue
            }
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
}
