/// A batch of framed lines held as one byte buffer and a table of where each line ends, rather
/// than an array per line: a batch costs two allocations, which its stream reuses for the next
/// batches (`LinesStream` keeps the buffers of decoded batches), so the number of allocations
/// per stream does not grow with its length. (An array per line, made on the transport thread
/// and freed on a worker, left glibc's heaps growing with the stream's length: RELIABILITY.md.)
struct LineBatch: Sendable {
    private struct Entry: Sendable {
        /// The line's 0-based index in the stream.
        var index: Int
        /// Where its bytes end in `bytes` (they start where the previous line's end); -1 for a
        /// line over the limit, which holds no bytes.
        var end: Int
    }

    private var bytes: [UInt8] = []
    private var entries: [Entry] = []
    /// The most room taken ahead of the lines: a full batch and the line that fills it fit
    /// without a last regrow.
    private let reserve: Int
    private static let slack = 16 << 10

    /// An empty batch that grows to room for `capacity` bytes (nothing is allocated before its
    /// first line).
    init(capacity: Int = 0) {
        reserve = capacity
    }

    /// Bytes of the lines held.
    var byteCount: Int { bytes.count }
    /// Bytes the batch's buffers take (what a kept batch costs while it waits to be reused).
    var memoryBytes: Int { bytes.capacity + entries.capacity * MemoryLayout<Entry>.stride }
    /// Whether the batch holds no line.
    var isEmpty: Bool { entries.isEmpty }
    /// Lines held.
    var count: Int { entries.count }

    /// Adds a framed line (its bytes copied).
    mutating func append(_ piece: LineFramer.Piece) {
        switch piece {
        case .text(let index, let line):
            // Room grows by doubling, never past `reserve` and the slack (unless one line needs
            // more): a batch holding a few short lines takes a few bytes, not a whole batch's
            // room, since the stream charges the bytes its lines hold.
            let needed = bytes.count + line.count
            if needed > bytes.capacity {
                bytes.reserveCapacity(max(needed, min(2 * bytes.capacity, reserve + Self.slack)))
            }
            bytes.append(contentsOf: line)
            entries.append(Entry(index: index, end: bytes.count))
        case .tooLong(let index):
            entries.append(Entry(index: index, end: -1))
        }
    }

    /// Empties the batch, keeping its buffers for the next one.
    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        entries.removeAll(keepingCapacity: true)
    }

    /// Calls `body` with each line in order, its bytes borrowed; stops when `body` returns false.
    func visit(_ body: (LineFramer.Piece) -> Bool) {
        bytes.withUnsafeBytes { all in
            var start = 0
            for entry in entries {
                let piece: LineFramer.Piece
                if entry.end < 0 {
                    piece = .tooLong(index: entry.index)
                } else {
                    piece = .text(index: entry.index, bytes: UnsafeRawBufferPointer(rebasing: all[start..<entry.end]))
                    start = entry.end
                }
                if !body(piece) { return }
            }
        }
    }
}
