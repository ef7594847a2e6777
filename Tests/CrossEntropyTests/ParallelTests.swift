import CrossEntropy
import Foundation
import TestSupport
import Testing

/// Large matrices are scored in chunks on all cores: the answers are the same bits as one
/// row at a time.
@Suite struct ParallelTests {
    private func randomRows(_ n: Int, _ classes: Int, seed: UInt64) -> Matrix {
        var generator = SeededGenerator(seed: seed)
        var values = [Double]()
        values.reserveCapacity(n * classes)
        for _ in 0..<n {
            let raw = (0..<classes).map { _ in Double.random(in: 0.001...1, using: &generator) }
            let total = raw.reduce(0, +)
            values += raw.map { $0 / total }
        }
        return Matrix(rows: n, columns: classes, values: values)
    }

    @Test func categoricalChunksMatchRowByRow() {
        let n = 5000
        let predictions = randomRows(n, 60, seed: 11)
        #expect(n * 60 >= RowChunks.parallelThreshold && RowChunks.count(rows: n) > 1)
        let labels = (0..<n).map { $0 % 60 }
        let whole = categoricalCrossEntropy(predictions: predictions, labels: .indices(labels))
        for i in stride(from: 0, to: n, by: 97) {
            let row = Matrix(rows: 1, columns: 60, values: Array(predictions.values[i * 60..<(i + 1) * 60]))
            let single = categoricalCrossEntropy(predictions: row, labels: .indices([labels[i]]))
            #expect(whole.losses[i] == single.losses[0])
        }
        #expect(whole.sum == CompensatedSum.of(whole.losses))
    }

    @Test func binaryClassLossesAreDeterministicAndAccurate() {
        let n = 4500
        let predictions = randomRows(n, 64, seed: 3)
        let targets = randomRows(n, 64, seed: 4)
        let first = binaryCrossEntropy(predictions: predictions, targets: targets)
        let second = binaryCrossEntropy(predictions: predictions, targets: targets)
        #expect(first == second)
        // Against a plain per-class sum over all rows.
        for j in [0, 17, 63] {
            var total = CompensatedSum()
            for i in 0..<n {
                let p = predictions[i, j]
                let y = targets[i, j]
                total.add(-(y * log2(p) + (1 - y) * log2(1 - p)))
            }
            #expect(isClose(first.classLosses[j], total.value / Double(n), relative: 1e-14))
        }
        #expect(isClose(first.classLosses.reduce(0, +), first.mean, relative: 1e-13))
    }
}
