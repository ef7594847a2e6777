import HTTPTransport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Whole log lines into a file descriptor (stdout), buffered so a busy server makes one
/// write(2) per batch of lines rather than one per request. Lines are never interleaved.
/// A background thread flushes every 100 ms; a full buffer or an error line flushes at once.
public final class LogSink: Sendable {
    private let descriptor: Int32
    private let buffer = Locked<[UInt8]>([])
    private let flushThreshold = 32 * 1024

    /// Buffers lines for `descriptor` (stdout by default) and starts the 100 ms flusher thread;
    /// make one per process.
    public init(descriptor: Int32 = 1) {
        self.descriptor = descriptor
        startFlusher()
    }

    /// Appends one whole line; `urgent` (errors) writes it out at once.
    public func write(_ line: [UInt8], urgent: Bool = false) {
        let full = buffer.withLock { pending in
            pending.append(contentsOf: line)
            return pending.count >= flushThreshold
        }
        if full || urgent { flush() }
    }

    /// Appends one whole line that `write` writes (then a newline); `urgent` writes it out at once.
    /// The line is formatted before the lock is taken: formatting under it made the pool threads
    /// spin on each other (0.8% of a small request's CPU), more than the line's own buffer costs.
    func writeLine(urgent: Bool = false, _ write: (inout JSONWriter) -> Void) {
        var json = JSONWriter(capacity: 384)
        write(&json)
        json.append(UInt8(ascii: "\n"))
        self.write(json.bytes, urgent: urgent)
    }

    /// Writes out everything buffered; call before the process exits.
    public func flush() {
        let pending = buffer.withLock { pending in
            let taken = pending
            pending.removeAll(keepingCapacity: true)
            return taken
        }
        guard !pending.isEmpty else { return }
        pending.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }

    private func startFlusher() {
        let sink = Unmanaged.passRetained(self)  // lives as long as the process
        var thread = pthread_t()
        pthread_create(
            &thread,
            nil,
            { context in
                let sink = Unmanaged<LogSink>.fromOpaque(context!).takeUnretainedValue()
                while true {
                    usleep(100_000)
                    sink.flush()
                }
            },
            sink.toOpaque()
        )
        pthread_detach(thread)
    }
}
