import CrossEntropy

/// Finds probabilities (or soft labels) outside [0, 1] and rows that do not add up as their
/// loss needs, with a quick pass over all values (on all cores for large matrices) first.
struct ProbabilityScan {
    let pointer: FieldPointer

    /// Values in [0, 1]; for categorical rows, a sum of 1 within `RowSumTolerance`.
    /// A quick pass over all values (on all cores for large matrices) finds whether anything is
    /// wrong; only then are the offending values located and described.
    func check(
        _ matrix: Matrix,
        field: ScoringField,
        rows rule: RowRule,
        _ problems: inout ValidationProblems
    ) {
        let tolerance = RowSumTolerance.forClasses(matrix.columns)
        let columns = matrix.columns
        let chunks = RowChunks.count(rows: matrix.rows)
        var firstBadRow = [Int](repeating: Int.max, count: chunks)
        matrix.values.withUnsafeBufferPointer { values in
            firstBadRow.withUnsafeMutableBufferPointer { found in
                nonisolated(unsafe) let found = found
                RowChunks.forEach(rows: matrix.rows, columns: columns) { chunk, rows in
                    for i in rows {
                        let row = UnsafeBufferPointer(rebasing: values[i * columns..<(i + 1) * columns])
                        if !Self.rowIsValid(row, rule: rule, tolerance: tolerance) {
                            found[chunk] = i
                            return
                        }
                    }
                }
            }
        }
        guard let start = firstBadRow.min(), start != Int.max else { return }
        for i in start..<matrix.rows where !problems.isFull {
            var inRange = true
            var sum = CompensatedSum()
            for j in 0..<columns {
                let p = matrix[i, j]
                if !(0...1).contains(p) {
                    inRange = false
                    problems.add(pointer(field, i, j), "\(p) is outside [0, 1]")
                }
                sum.add(p)
            }
            if rule == .sumToOne && inRange && abs(sum.value - 1) > tolerance {
                problems.add(
                    pointer(field, i),
                    "row sums to \(sum.value), not 1 (tolerance \(tolerance))"
                )
            }
            if rule == .positiveSum && inRange && sum.value == 0 {
                problems.add(pointer(field, i), "row sums to 0; Keras divides each row by its sum")
            }
        }
    }

    private static func rowIsValid(_ row: UnsafeBufferPointer<Double>, rule: RowRule, tolerance: Double) -> Bool {
        var sum = CompensatedSum()
        for p in row {
            guard p >= 0 && p <= 1 else { return false }
            sum.add(p)
        }
        switch rule {
        case .free: return true
        case .sumToOne: return abs(sum.value - 1) <= tolerance
        case .positiveSum: return sum.value > 0
        }
    }
}

/// What a row of probabilities must add up to.
enum RowRule {
    case free
    case sumToOne
    case positiveSum
}
