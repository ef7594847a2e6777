import CrossEntropy
import Foundation
import TestSupport
import Testing

/// Sample weights, class weights, positive weights and label smoothing, against the formulas
/// worked by hand.
@Suite struct WeightingTests {
    let predictions = Matrix([[0.5, 0.25, 0.25], [0.125, 0.75, 0.125]])

    @Test func sampleWeightsGiveAWeightedMean() {
        // L = [1, -log2 0.75]; weights [3, 1]: loss = (3·1 + 1·0.415…) / 4, sum = 3·1 + 0.415….
        let options = LossOptions(sampleWeights: [3, 1])
        let result = categoricalCrossEntropy(predictions: predictions, labels: .indices([0, 1]), options: options)
        #expect(result.losses == [1, -log2(0.75)])
        #expect(result.sum == 3 + -log2(0.75))
        #expect(result.mean == (3 + -log2(0.75)) / 4)
    }

    @Test func zeroWeightSamplesDoNotCount() {
        let options = LossOptions(sampleWeights: [0, 2])
        let result = categoricalCrossEntropy(predictions: predictions, labels: .indices([0, 1]), options: options)
        #expect(result.mean == -log2(0.75))
    }

    @Test func classWeightsScaleEachClassTerm() {
        let options = LossOptions(classWeights: [2, 0.5, 1])
        let result = categoricalCrossEntropy(predictions: predictions, labels: .indices([0, 1]), options: options)
        #expect(result.losses == [2 * 1, 0.5 * -log2(0.75)])
        let soft = categoricalCrossEntropy(
            predictions: predictions,
            labels: .distributions(Matrix([[0.5, 0.5, 0], [0, 1, 0]])),
            options: options
        )
        #expect(isClose(soft.losses[0], -(2 * 0.5 * log2(0.5) + 0.5 * 0.5 * log2(0.25)), relative: 1e-15))
    }

    @Test func categoricalLabelSmoothingSpreadsATargetOverClasses() {
        // a = 0.3, C = 3: the target [1, 0, 0] becomes [0.8, 0.1, 0.1].
        let options = LossOptions(labelSmoothing: 0.3)
        let result = categoricalCrossEntropy(predictions: predictions, labels: .indices([0, 1]), options: options)
        let expected = -(0.8 * log2(0.5) + 0.1 * log2(0.25) + 0.1 * log2(0.25))
        #expect(isClose(result.losses[0], expected, relative: 1e-15))
        let oneHot = categoricalCrossEntropy(
            predictions: predictions,
            labels: .distributions(Matrix([[1, 0, 0], [0, 1, 0]])),
            options: options
        )
        #expect(oneHot.losses == result.losses)
    }

    @Test func binarySmoothingAndPositiveWeights() {
        // y' = y(1 - a) + a/2 with a = 0.2: 1 → 0.9, 0 → 0.1; w = [3, 1].
        let options = LossOptions(labelSmoothing: 0.2, sampleWeights: [1, 3], positiveWeights: [3, 1])
        let p = Matrix([[0.8, 0.4], [0.3, 0.9]])
        let y = Matrix([[1, 0], [0, 1]])
        let result = binaryCrossEntropy(predictions: p, targets: y, options: options)
        func term(_ p: Double, _ y: Double, _ w: Double) -> Double { -(w * y * log2(p) + (1 - y) * log2(1 - p)) }
        let row0 = term(0.8, 0.9, 3) + term(0.4, 0.1, 1)
        let row1 = term(0.3, 0.1, 3) + term(0.9, 0.9, 1)
        #expect(isClose(result.losses[0], row0, relative: 1e-15))
        #expect(isClose(result.losses[1], row1, relative: 1e-15))
        #expect(isClose(result.mean, (row0 + 3 * row1) / 4, relative: 1e-15))
        #expect(isClose(result.classLosses[0], (term(0.8, 0.9, 3) + 3 * term(0.3, 0.1, 3)) / 4, relative: 1e-15))
        #expect(isClose(result.classLosses.reduce(0, +), result.mean, relative: 1e-15))
    }

    @Test func noOptionsLeavesTheDocumentsNumbersUntouched() {
        let plain = categoricalCrossEntropy(predictions: Matrix([[0.2, 0.7, 0.1]]), labels: .indices([1]))
        let explicit = categoricalCrossEntropy(
            predictions: Matrix([[0.2, 0.7, 0.1]]),
            labels: .indices([1]),
            options: LossOptions(labelSmoothing: 0, sampleWeights: [1], classWeights: [1, 1, 1])
        )
        #expect(plain == explicit)
        #expect(plain.mean == 0.514_573_172_829_758_3)
    }
}
