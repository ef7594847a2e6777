import CrossEntropy
import Foundation
import TestSupport
import Testing

/// The source document's two worked examples, pinned to the bit.
@Suite struct WorkedExampleTests {
    @Test func categoricalDogExample() {
        // y = [0, 1, 0], ŷ = [0.2, 0.7, 0.1]: CCE = -log2(0.7) ≈ 0.514 bits, "moderate".
        let result = categoricalCrossEntropy(
            predictions: Matrix([[0.2, 0.7, 0.1]]),
            labels: .indices([1])
        )
        #expect(result.mean == 0.514_573_172_829_758_3)
        #expect(result.mean == -log2(0.7))
        #expect((result.mean * 1e6).rounded() / 1e6 == 0.514573)
        #expect(result.losses == [result.mean])
        #expect(CategoricalBand.of(loss: result.mean, classes: 3, base: .two) == .moderate)
    }

    @Test func categoricalOneHotEqualsIndexLabels() {
        let predictions = Matrix([[0.2, 0.7, 0.1]])
        let oneHot = categoricalCrossEntropy(predictions: predictions, labels: .distributions(Matrix([[0, 1, 0]])))
        let index = categoricalCrossEntropy(predictions: predictions, labels: .indices([1]))
        #expect(oneHot == index)
    }

    @Test func binaryCatAndRabbitExample() {
        // y = [1, 0, 1], ŷ = [0.8, 0.4, 0.6]: 0.322 + 0.737 + 0.737 = 1.796 bits.
        let result = binaryCrossEntropy(predictions: Matrix([[0.8, 0.4, 0.6]]), targets: Matrix([[1, 0, 1]]))
        #expect(result.classLosses == [-log2(0.8), -log2(0.6), -log2(0.6)])
        #expect(result.classLosses.map { ($0 * 1e6).rounded() / 1e6 } == [0.321928, 0.736966, 0.736966])
        #expect(result.mean == 1.795_859_283_219_774_8)
        #expect((result.mean * 1e6).rounded() / 1e6 == 1.795859)
        #expect(result.meanPerElement == result.mean / 3)
        #expect(BinaryBand.of(loss: result.mean, base: .two) == .moderatelyWrong)
    }

    @Test func documentReferencePointsInBits() {
        // 0.152 bits: ŷ = 0.9; 0.514: 0.7; 1.0: 0.5; 3.322: 0.1.
        #expect((-log2(0.9) * 1000).rounded() / 1000 == 0.152)
        #expect((-log2(0.1) * 1000).rounded() / 1000 == 3.322)
        #expect((log2(3.0) * 1000).rounded() / 1000 == 1.585)
    }

    @Test(arguments: [LogBase.two, .e, .ten])
    func baseChangesUnitsNotMeaning(base: LogBase) {
        let result = categoricalCrossEntropy(
            predictions: Matrix([[0.2, 0.7, 0.1]]),
            labels: .indices([1]),
            options: LossOptions(base: base)
        )
        #expect(isClose(base.toBits(result.mean), -log2(0.7), relative: 1e-15))
        #expect(CategoricalBand.of(loss: result.mean, classes: 3, base: base) == .moderate)
    }
}
