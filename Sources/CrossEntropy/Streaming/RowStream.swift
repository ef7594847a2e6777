/// Where a stream stands in the fixed `RowChunks` chunks of the whole set: pieces of any size
/// are cut at the same global chunk boundaries as the set scored at once, so what is summed
/// per chunk (accuracy, BCE class totals) is summed over the same rows, in the same order.
struct RowStream: Sendable {
    /// Rows added so far.
    private(set) var count = 0

    /// Calls `segment` for each part of a piece of `rows` rows that lies in one chunk (local
    /// row ranges, in order), and `boundary` before a segment that starts a new chunk (not the
    /// first).
    mutating func advance(rows: Int, segment: (Range<Int>) -> Void, boundary: () -> Void) {
        var start = 0
        while start < rows {
            let global = count + start
            if global > 0 && global % RowChunks.rowsPerChunk == 0 { boundary() }
            let left = RowChunks.rowsPerChunk - global % RowChunks.rowsPerChunk
            let end = min(rows, start + left)
            segment(start..<end)
            start = end
        }
        count += rows
    }
}

/// The sample weights of rows `range` as options of their own (nil weights stay nil).
extension LossOptions {
    func withSampleWeights(_ weights: [Double]?) -> LossOptions {
        var options = self
        options.sampleWeights = weights
        return options
    }
}
