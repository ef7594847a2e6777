import CrossEntropy
import Foundation
import TestSupport
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

    /// 1.5e308 nats is 2.16e308 bits, beyond float64, but a class weight of 0.5 brings it back:
    /// the conversion into bits is carried as significand and exponent until the weight is
    /// applied. Exact: (1.5e308 / 2) / ln 2 rounds once, as Python's fractions confirm.
    @Test func aLossBeyondFloat64InBitsComesBackWithItsClassWeight() {
        #expect((1.5e308 / log(2.0)).isInfinite)
        let expected = 0.75e308 / log(2.0)
        #expect(expected == 1.082_021_280_666_722_7e308)
        let result = categoricalCrossEntropy(
            predictions: Matrix([[-1.5e308, 0]]),
            labels: .indices([0]),
            options: LossOptions(predictionKind: .logits, base: .two, classWeights: [0.5, 1])
        )
        #expect(result.losses == [expected])
        #expect(result.mean == expected)
        #expect(result.sum == expected)
        // The same through the soft-label path, and with a one-hot row.
        let soft = categoricalCrossEntropy(
            predictions: Matrix([[-1.5e308, 0]]),
            labels: .distributions(Matrix([[1, 0]])),
            options: LossOptions(predictionKind: .logits, base: .two, classWeights: [0.5, 1])
        )
        #expect(soft.mean == expected)
    }

    /// z − max overflows for logits at both ends of float64 (3.4e308 nats), though the loss in
    /// hartleys, 1.476601238471056e308, fits: the difference is halved (exactly) instead.
    @Test func logitsAtBothEndsOfFloat64GiveAFiniteLossInHartleys() {
        let expected = 1.7e308 / log(10.0) * 2
        #expect(expected == 1.476_601_238_471_056e308)
        for labels in [CategoricalLabels.indices([0]), .distributions(Matrix([[1, 0]]))] {
            let result = categoricalCrossEntropy(
                predictions: Matrix([[-1.7e308, 1.7e308]]),
                labels: labels,
                options: LossOptions(predictionKind: .logits, base: .ten)
            )
            #expect(result.losses == [expected])
            #expect(result.mean == expected)
        }
        // In nats the loss is beyond float64, and stays so.
        let nats = categoricalCrossEntropy(
            predictions: Matrix([[-1.7e308, 1.7e308]]),
            labels: .indices([0]),
            options: LossOptions(predictionKind: .logits, base: .e)
        )
        #expect(nats.mean == .infinity)
    }

    /// The binary parts too: a positive part brought back by pos_weight, a negative part by
    /// the sample weights (its sample's own loss stays beyond float64).
    @Test func binaryPartsBeyondFloat64InBitsComeBackWithTheirWeights() {
        let expected = 0.75e308 / log(2.0)
        let positive = binaryCrossEntropy(
            predictions: Matrix([[-1.5e308]]),
            targets: Matrix([[1]]),
            options: LossOptions(predictionKind: .logits, base: .two, positiveWeights: [0.5])
        )
        #expect(positive.losses == [expected])
        #expect(positive.classLosses == [expected])
        #expect(positive.mean == expected)
        let negative = binaryCrossEntropy(
            predictions: Matrix([[1.5e308], [-1.5e308]]),
            targets: Matrix([[0], [0]]),
            options: LossOptions(predictionKind: .logits, base: .two, sampleWeights: [0.5, 0.5])
        )
        #expect(negative.losses == [.infinity, 0])
        #expect(negative.sum == expected)
        #expect(negative.mean == expected)
        #expect(negative.classLosses == [expected])
        // PyTorch's expression, in nats, converted the same way.
        let pytorch = binaryCrossEntropy(
            predictions: Matrix([[1.5e308], [-1.5e308]]),
            targets: Matrix([[0], [0]]),
            options: LossOptions(
                convention: .pytorch, predictionKind: .logits, base: .two, sampleWeights: [0.5, 0.5])
        )
        #expect(pytorch.sum == expected)
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
