import CrossEntropy
import Foundation
import Testing

/// Logits: extreme values stay finite and exact; logits and their softmax give the same loss.
@Suite struct StableLogTests {
    @Test func extremeLogitsGiveExactFiniteCategoricalLosses() {
        let result = categoricalCrossEntropy(
            predictions: Matrix([[1e307, -1e307], [1e307, -1e307]]),
            labels: .indices([0, 1]),
            options: LossOptions(predictionKind: .logits, base: .e)
        )
        #expect(result.losses == [0, 2e307])
        #expect(result.mean == 1e307)
    }

    @Test func extremeLogitsGiveExactFiniteBinaryLosses() {
        let result = binaryCrossEntropy(
            predictions: Matrix([[1e307, -1e307, 0]]),
            targets: Matrix([[0, 1, 1]]),
            options: LossOptions(predictionKind: .logits, base: .e)
        )
        #expect(result.classLosses == [1e307, 1e307, log(2.0)])
        #expect(result.mean.isFinite)
    }

    @Test func softplusIsStable() {
        #expect(StableLog.softplus(0) == log(2.0))
        #expect(StableLog.softplus(1000) == 1000)
        #expect(StableLog.softplus(-1000) == 0)
        #expect(StableLog.softplus(-40) == exp(-40.0))
    }

    @Test(arguments: [2, 3, 10, 100])
    func logitsAndTheirSoftmaxAgree(classes: Int) {
        var generator = SeededGenerator(seed: UInt64(classes))
        let n = 20
        let logits = (0..<n * classes).map { _ in Double.random(in: -8...8, using: &generator) }
        var probabilities = [Double]()
        for i in 0..<n {
            let row = logits[i * classes..<(i + 1) * classes]
            let largest = row.max()!
            let total = row.reduce(0) { $0 + exp($1 - largest) }
            probabilities += row.map { exp($0 - largest) / total }
        }
        let labels = CategoricalLabels.indices((0..<n).map { $0 % classes })
        let fromLogits = categoricalCrossEntropy(
            predictions: Matrix(rows: n, columns: classes, values: logits),
            labels: labels,
            options: LossOptions(predictionKind: .logits)
        )
        let fromProbabilities = categoricalCrossEntropy(
            predictions: Matrix(rows: n, columns: classes, values: probabilities),
            labels: labels
        )
        for (a, b) in zip(fromLogits.losses, fromProbabilities.losses) {
            #expect(isClose(a, b, relative: 1e-12))
        }
    }
}

/// A small deterministic generator (SplitMix64) so property tests are repeatable.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
