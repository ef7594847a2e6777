import Dispatch

/// Splits the rows of a matrix into fixed-size chunks and runs them on all cores when the
/// matrix is large. Chunk boundaries never depend on the number of cores, so results that are
/// combined chunk by chunk (in order) are the same bits on every machine.
public enum RowChunks {
    /// Rows per chunk.
    public static let rowsPerChunk = 2048
    /// Below this many elements, threads cost more than they save.
    public static let parallelThreshold = 262_144

    public static func count(rows: Int) -> Int {
        (rows + rowsPerChunk - 1) / rowsPerChunk
    }

    public static func range(_ chunk: Int, rows: Int) -> Range<Int> {
        chunk * rowsPerChunk..<min((chunk + 1) * rowsPerChunk, rows)
    }

    /// Calls `body` once per chunk, concurrently when rows × columns is large.
    public static func forEach(rows: Int, columns: Int, _ body: (_ chunk: Int, _ rows: Range<Int>) -> Void) {
        let chunks = count(rows: rows)
        if chunks > 1 && rows * columns >= parallelThreshold {
            // The chunks touch disjoint rows; callers make their writes per chunk.
            withoutActuallyEscaping(body) { body in
                nonisolated(unsafe) let body = body
                DispatchQueue.concurrentPerform(iterations: chunks) { chunk in body(chunk, range(chunk, rows: rows)) }
            }
        } else {
            for chunk in 0..<chunks { body(chunk, range(chunk, rows: rows)) }
        }
    }

    /// One result per chunk, in chunk order (computed concurrently when the matrix is large).
    public static func map<T>(rows: Int, columns: Int, _ body: (_ rows: Range<Int>) -> T) -> [T] {
        var results = [T?](repeating: nil, count: count(rows: rows))
        results.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let out = out  // each chunk writes its own slot
            forEach(rows: rows, columns: columns) { chunk, range in out[chunk] = body(range) }
        }
        return results.map { $0! }
    }
}
