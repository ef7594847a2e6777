/// The samples PyTorch's `ignore_index` leaves out: those whose class index equals it. They
/// count nowhere — not in the sum, the mean's denominator (n, or Σ w_y over the kept samples
/// with class weights), the smoothing term, accuracy, the prior or the standard error — so a
/// loss over the kept samples alone is PyTorch's `cross_entropy(..., ignore_index=k)`.
///
/// The service scores `kept(...)` of each input and puts the ignored positions back (as no
/// loss, not a zero loss) with `restoring`.
public struct IgnoredSamples: Sendable, Equatable {
    /// PyTorch's default `ignore_index`.
    public static let pytorchDefault = -100

    /// The positions of the ignored samples, ascending.
    public let positions: [Int]
    /// The number of samples before any was left out.
    public let total: Int

    /// The samples of `labels` equal to `ignoreIndex`, or nil when there is none.
    public init?(labels: [Int], ignoreIndex: Int) {
        var positions: [Int] = []
        for (i, label) in labels.enumerated() where label == ignoreIndex { positions.append(i) }
        guard !positions.isEmpty else { return nil }
        self.positions = positions
        self.total = labels.count
    }

    /// Samples at `positions` (ascending, each in 0..<total) left out of `total`: the
    /// positions of a set that arrived in pieces, each piece's offset added to its own.
    public init(positions: [Int], total: Int) {
        precondition(zip(positions, positions.dropFirst()).allSatisfy { $0 < $1 }, "ascending positions")
        precondition(positions.allSatisfy { (0..<total).contains($0) }, "positions within the set")
        self.positions = positions
        self.total = total
    }

    /// The number of samples left.
    public var keptCount: Int { total - positions.count }

    /// The elements of `values` (one per sample) that are kept, in order.
    public func kept<Element>(_ values: [Element]) -> [Element] {
        precondition(values.count == total, "one value per sample")
        var result: [Element] = []
        result.reserveCapacity(keptCount)
        var next = 0  // index into positions
        for (i, value) in values.enumerated() {
            if next < positions.count && positions[next] == i {
                next += 1
            } else {
                result.append(value)
            }
        }
        return result
    }

    /// The rows of `matrix` (one per sample) that are kept.
    public func kept(_ matrix: Matrix) -> Matrix {
        precondition(matrix.rows == total, "one row per sample")
        var values: [Double] = []
        values.reserveCapacity(keptCount * matrix.columns)
        var next = 0
        for i in 0..<matrix.rows {
            if next < positions.count && positions[next] == i {
                next += 1
                continue
            }
            matrix.withRow(i) { values.append(contentsOf: $0) }
        }
        return Matrix(rows: keptCount, columns: matrix.columns, values: values)
    }

    /// One element per original sample: the kept samples' values in their places, nil at the
    /// ignored positions.
    public func restoring<Element>(_ kept: [Element]) -> [Element?] {
        precondition(kept.count == keptCount, "one value per kept sample")
        var result: [Element?] = []
        result.reserveCapacity(total)
        var next = 0
        var source = kept.makeIterator()
        for i in 0..<total {
            if next < positions.count && positions[next] == i {
                next += 1
                result.append(nil)
            } else {
                result.append(source.next())
            }
        }
        return result
    }
}
