/// A dense row-major matrix of float64 values: n samples (rows) by C classes (columns).
public struct Matrix: Sendable, Equatable {
    public let rows: Int
    public let columns: Int
    public var values: [Double]

    public init(rows: Int, columns: Int, values: [Double]) {
        precondition(rows >= 0 && columns >= 0 && values.count == rows * columns, "matrix shape mismatch")
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    /// Builds a matrix from equal-length rows.
    public init(_ rows: [[Double]]) {
        let columns = rows.first?.count ?? 0
        precondition(rows.allSatisfy { $0.count == columns }, "ragged rows")
        self.init(rows: rows.count, columns: columns, values: rows.flatMap { $0 })
    }

    public subscript(row: Int, column: Int) -> Double {
        values[row * columns + column]
    }

    /// Calls `body` with row `row` as a buffer, without copying.
    public func withRow<R>(_ row: Int, _ body: (UnsafeBufferPointer<Double>) throws -> R) rethrows -> R {
        try values.withUnsafeBufferPointer { all in
            try body(UnsafeBufferPointer(rebasing: all[row * columns..<(row + 1) * columns]))
        }
    }
}
