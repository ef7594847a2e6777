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
        var all = metadata
        if let extra = event.metadata {
            if all.isEmpty { all = extra } else { all.merge(extra) { $1 } }
        }
        let members = all.count > 1 ? all.sorted { $0.key < $1.key } : Array(all)
        sink.writeLine(urgent: event.level >= .error) { json in
            Self.writeLine(to: &json, level: event.level, message: event.message.description, label: label) { line in
                for (key, value) in members {
                    line.member(named: key) { Self.write(value, to: &$0) }
                }
            }
        }
    }

    /// One line's object: timestamp, level, message, logger, then what `members` writes (in
    /// name order). `AccessLog` writes its lines through this too, straight into the sink.
    static func writeLine(
        to json: inout JSONWriter, level: Logger.Level, message: String, label: String,
        members: (inout JSONObjectWriter) -> Void
    ) {
        json.object { line in
            line.member("timestamp") { $0.timestamp() }
            line.member("level", level.rawValue)
            line.member("message", message)
            line.member("logger", label)
            members(&line)
        }
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
            json.array(values) { write($1, to: &$0) }
        case .dictionary(let members):
            json.object { object in
                for (key, element) in members.sorted(by: { $0.key < $1.key }) {
                    object.member(named: key) { write(element, to: &$0) }
                }
            }
        }
    }
}
