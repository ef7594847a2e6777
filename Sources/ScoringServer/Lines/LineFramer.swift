#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Splits a byte stream into lines at `\n` (a trailing `\r` is dropped), as the bytes arrive in
/// chunks of any size: framing, not parsing (a JSON value may not span lines). Blank lines are
/// skipped but counted, so line numbers are the ones an editor shows. A line longer than
/// `maxLineBytes` is not held: its bytes are dropped as they come and the line is reported once,
/// as `.tooLong`, when its end (or the end of the stream) arrives.
///
/// A line is handed on as borrowed bytes (valid only during the call), straight from the chunk
/// when it lies whole inside one: only the unfinished line at a chunk's end is copied here, so
/// framing allocates nothing per line (the consumer copies lines into its batch's one buffer).
struct LineFramer: Sendable {
    /// One framed line, its bytes borrowed for the duration of the call that hands it on.
    enum Piece {
        /// A non-blank line's bytes (without `\n` or `\r\n`), at 0-based index `index`.
        case text(index: Int, bytes: UnsafeRawBufferPointer)
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

    /// Bytes held for the current (unfinished) line.
    var heldBytes: Int { pending.count }

    /// Frames `bytes`, calling `emit` for each complete line in order.
    mutating func feed(_ bytes: UnsafeRawBufferPointer, _ emit: (Piece) -> Void) {
        var start = 0
        let count = bytes.count
        while start < count {
            let rest = UnsafeRawBufferPointer(rebasing: bytes[start...])
            // memchr scans a word or a vector at a time: 3-4x a byte loop on long lines.
            guard let base = rest.baseAddress, let found = memchr(base, 0x0A, rest.count) else {
                append(rest)
                return
            }
            let offset = base.distance(to: UnsafeRawPointer(found))
            let line = UnsafeRawBufferPointer(rebasing: rest[..<offset])
            if pending.isEmpty && !overflowing {
                end(line, emit)  // the whole line is in this chunk: not copied
            } else {
                append(line)
                endPending(emit)
            }
            start += offset + 1
        }
    }

    /// The stream ended: the last line, if it lacked a `\n`.
    mutating func finish(_ emit: (Piece) -> Void) {
        if overflowing || !pending.isEmpty { endPending(emit) }
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

    private mutating func endPending(_ emit: (Piece) -> Void) {
        if overflowing {
            emit(.tooLong(index: lineIndex))
            overflowing = false
        } else {
            let (index, maxLineBytes) = (lineIndex, self.maxLineBytes)
            pending.withUnsafeBytes { line in Self.end(line, index: index, maxLineBytes: maxLineBytes, emit) }
        }
        lineIndex += 1
        pending.removeAll(keepingCapacity: pending.capacity <= 65_536)
    }

    private mutating func end(_ line: UnsafeRawBufferPointer, _ emit: (Piece) -> Void) {
        Self.end(line, index: lineIndex, maxLineBytes: maxLineBytes, emit)
        lineIndex += 1
    }

    /// Hands on complete line `index` (its `\n` already dropped) unless it is blank.
    private static func end(
        _ whole: UnsafeRawBufferPointer, index: Int, maxLineBytes: Int, _ emit: (Piece) -> Void
    ) {
        var line = whole
        if line.last == UInt8(ascii: "\r") { line = UnsafeRawBufferPointer(rebasing: line.dropLast()) }
        if line.count > maxLineBytes {
            emit(.tooLong(index: index))
            return
        }
        // Blank: nothing but spaces and tabs, after a byte order mark if it has one (what an
        // empty file saved with one leaves when files are joined with `cat`).
        var content = line
        if content.count >= 3 && content[0] == 0xEF && content[1] == 0xBB && content[2] == 0xBF {
            content = UnsafeRawBufferPointer(rebasing: content.dropFirst(3))
        }
        if content.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) { return }
        emit(.text(index: index, bytes: line))
    }
}
