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
    /// Bytes reserved at the first line (nothing is allocated before it).
    private let reserve: Int
    private static let slack = 16 << 10

    /// An empty batch that takes room for `capacity` bytes at its first line.
    init(capacity: Int = 0) {
        reserve = capacity
    }

    /// Bytes of the lines held.
    var byteCount: Int { bytes.count }
    /// Whether the batch holds no line.
    var isEmpty: Bool { entries.isEmpty }
    /// Lines held.
    var count: Int { entries.count }

    /// Adds a framed line (its bytes copied).
    mutating func append(_ piece: LineFramer.Piece) {
        switch piece {
        case .text(let index, let line):
            // Room for the line that fills the batch past `reserve` too, when it is short.
            if bytes.capacity == 0 { bytes.reserveCapacity(max(reserve + Self.slack, line.count)) }
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
