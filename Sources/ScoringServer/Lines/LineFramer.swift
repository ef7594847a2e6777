/// Splits a byte stream into lines at `\n` (a trailing `\r` is dropped), as the bytes arrive in
/// chunks of any size: framing, not parsing (a JSON value may not span lines). Blank lines are
/// skipped but counted, so line numbers are the ones an editor shows. A line longer than
/// `maxLineBytes` is not held: its bytes are dropped as they come and the line is reported once,
/// as `.tooLong`, when its end (or the end of the stream) arrives.
struct LineFramer: Sendable {
    /// One framed line.
    enum Line: Equatable, Sendable {
        /// A non-blank line's bytes (without `\n` or `\r\n`), at 0-based index `index`.
        case text(index: Int, bytes: [UInt8])
        /// A line over the limit, at 0-based index `index`.
        case tooLong(index: Int)
    }

    let maxLineBytes: Int
    /// The bytes of the current line so far (at most maxLineBytes + 1: the `\r` that may end it).
    private(set) var pending: [UInt8] = []
    /// The current line is over the limit; its bytes are being dropped.
    private(set) var overflowing = false
    /// The 0-based index of the current line.
    private(set) var lineIndex = 0

    init(maxLineBytes: Int) {
        self.maxLineBytes = max(maxLineBytes, 1)
    }

    /// Frames `bytes`, calling `emit` for each complete line in order.
    mutating func feed(_ bytes: UnsafeRawBufferPointer, _ emit: (Line) -> Void) {
        var start = 0
        let count = bytes.count
        while start < count {
            let rest = UnsafeRawBufferPointer(rebasing: bytes[start...])
            guard let offset = rest.firstIndex(of: UInt8(ascii: "\n")) else {
                append(rest)
                return
            }
            append(UnsafeRawBufferPointer(rebasing: rest[..<offset]))
            endLine(emit)
            start += offset + 1
        }
    }

    /// The stream ended: the last line, if it lacked a `\n`.
    mutating func finish(_ emit: (Line) -> Void) {
        if overflowing || !pending.isEmpty { endLine(emit) }
    }

    private mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard !overflowing, !bytes.isEmpty else { return }
        // One byte over the limit is kept: it may be the `\r` of a line exactly at the limit.
        if pending.count + bytes.count > maxLineBytes + 1 {
            overflowing = true
            pending = []
            return
        }
        pending.append(contentsOf: bytes)
    }

    private mutating func endLine(_ emit: (Line) -> Void) {
        defer {
            lineIndex += 1
            overflowing = false
            pending.removeAll(keepingCapacity: pending.count <= 65_536)
        }
        if overflowing {
            emit(.tooLong(index: lineIndex))
            return
        }
        if pending.last == UInt8(ascii: "\r") { pending.removeLast() }
        if pending.count > maxLineBytes {
            emit(.tooLong(index: lineIndex))
            return
        }
        // Blank: nothing but spaces and tabs.
        if pending.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) { return }
        emit(.text(index: lineIndex, bytes: pending))
    }
}
