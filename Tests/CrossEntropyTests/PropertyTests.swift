import CrossEntropy
import Foundation
import TestSupport
import Testing

/// Properties any correct cross-entropy has, over random valid inputs.
@Suite struct PropertyTests {
    private func randomProbabilities(_ n: Int, _ classes: Int, _ generator: inout SeededGenerator) -> Matrix {
        var values = [Double]()
        for _ in 0..<n {
            let raw = (0..<classes).map { _ in Double.random(in: 0.001...1, using: &generator) }
            let total = raw.reduce(0, +)
            values += raw.map { $0 / total }
        }
        return Matrix(rows: n, columns: classes, values: values)
    }

    @Test(arguments: 1...5)
    func lossesAreNeverNegativeOrNaN(seed: Int) {
        var generator = SeededGenerator(seed: UInt64(seed))
        let predictions = randomProbabilities(30, 4, &generator)
        let soft = randomProbabilities(30, 4, &generator)
        let cce = categoricalCrossEntropy(predictions: predictions, labels: .distributions(soft))
        let bce = binaryCrossEntropy(predictions: predictions, targets: soft)
        for value in cce.losses + bce.losses + bce.classLosses + [cce.mean, bce.mean] {
            #expect(value >= 0 && !value.isNaN)
        }
    }

    @Test(arguments: 1...5)
    func oneHotLossIsMinusLogOfTheTrueClass(seed: Int) {
        var generator = SeededGenerator(seed: UInt64(seed))
        let predictions = randomProbabilities(25, 5, &generator)
        let labels = (0..<25).map { _ in Int.random(in: 0..<5, using: &generator) }
        let result = categoricalCrossEntropy(predictions: predictions, labels: .indices(labels))
        for i in 0..<25 {
            #expect(result.losses[i] == -log2(predictions[i, labels[i]]))
        }
    }

    @Test func permutingSamplesKeepsTheMean() {
        var generator = SeededGenerator(seed: 7)
        let predictions = randomProbabilities(50, 3, &generator)
        let labels = (0..<50).map { _ in Int.random(in: 0..<3, using: &generator) }
        let order = Array(0..<50).shuffled(using: &generator)
        let shuffled = Matrix(
            rows: 50,
            columns: 3,
            values: order.flatMap { i in (0..<3).map { predictions[i, $0] } }
        )
        let a = categoricalCrossEntropy(predictions: predictions, labels: .indices(labels))
        let b = categoricalCrossEntropy(predictions: shuffled, labels: .indices(order.map { labels[$0] }))
        #expect(isClose(a.mean, b.mean, relative: 1e-15))
    }

    @Test func zeroTimesLogZeroIsZero() {
        // p = 0 where y = 0 contributes nothing; p = 0 where y = 1 is clipped, not infinite.
        let ignored = categoricalCrossEntropy(predictions: Matrix([[0, 1]]), labels: .indices([1]))
        #expect(ignored.mean < 1e-15)
        let clipped = categoricalCrossEntropy(predictions: Matrix([[0, 1]]), labels: .indices([0]))
        #expect(clipped.mean == -log2(Clipping.machineEpsilon))
        let binary = binaryCrossEntropy(predictions: Matrix([[0, 1]]), targets: Matrix([[0, 1]]))
        #expect(binary.mean < 1e-15)
    }

    @Test func compensatedSumIsExactWhereNaiveSumIsNot() {
        let values = [1e16, 1.0, -1e16, 1.0]
        #expect(CompensatedSum.of(values) == 2)
        #expect(values.reduce(0, +) != 2)
    }
}
