import CrossEntropy
import Foundation
import TestSupport
import Testing

/// Accuracy and normalized entropy.
@Suite struct EvaluationTests {
    @Test func categoricalAccuracyCountsUniqueArgmaxHits() {
        let predictions = Matrix([[0.7, 0.2, 0.1], [0.4, 0.4, 0.2], [0.1, 0.1, 0.8], [0.2, 0.5, 0.3]])
        // Hits: row 0 (0), row 2 (2); row 1 is a tie (wrong); row 3 predicts 1, truth 0.
        #expect(categoricalAccuracy(predictions: predictions, labels: .indices([0, 0, 2, 0])) == 0.5)
        let weighted = LossOptions(sampleWeights: [3, 1, 0, 0])
        #expect(
            categoricalAccuracy(predictions: predictions, labels: .indices([0, 0, 2, 0]), options: weighted) == 0.75)
        let oneHot = Matrix([[1, 0, 0], [1, 0, 0], [0, 0, 1], [1, 0, 0]])
        #expect(categoricalAccuracy(predictions: predictions, labels: .distributions(oneHot)) == 0.5)
        let soft = Matrix([[0.5, 0.5, 0], [1, 0, 0], [0, 0, 1], [1, 0, 0]])
        #expect(categoricalAccuracy(predictions: predictions, labels: .distributions(soft)) == nil)
    }

    @Test func binaryAccuracyThresholdsAtOneHalf() {
        let p = Matrix([[0.9, 0.5], [0.2, 0.6]])
        let y = Matrix([[1, 1], [0, 0]])
        // 0.9→1 right, 0.5→0 wrong (not above 0.5), 0.2→0 right, 0.6→1 wrong.
        #expect(binaryAccuracy(predictions: p, targets: y) == 0.5)
        let logits = Matrix([[2, 0], [-1, 0.5]])
        #expect(binaryAccuracy(predictions: logits, targets: y, options: LossOptions(predictionKind: .logits)) == 0.5)
        #expect(binaryAccuracy(predictions: p, targets: Matrix([[0.9, 1], [0, 0]])) == nil)
    }

    /// A subnormal weight counts (an outside tester found the body's accuracy 0 where a stream's
    /// was 5e-324: scaling the weights by their largest flushed it to 0); weights near float64's
    /// largest are still scaled, so that their sum stays finite.
    @Test func accuracyKeepsSubnormalWeightsAndScalesHugeOnes() {
        let predictions = Matrix([[0.9, 0.1], [0.1, 0.9]])
        let tiny = LossOptions(sampleWeights: [5e-324, 1])
        #expect(categoricalAccuracy(predictions: predictions, labels: .indices([0, 0]), options: tiny) == 5e-324)
        let p = Matrix([[0.9], [0.1]])
        #expect(binaryAccuracy(predictions: p, targets: Matrix([[1], [1]]), options: tiny) == 5e-324)
        let huge = LossOptions(sampleWeights: [1e308, 1e308, 1e308])
        let three = Matrix([[0.9, 0.1], [0.1, 0.9], [0.9, 0.1]])
        #expect(categoricalAccuracy(predictions: three, labels: .indices([0, 0, 0]), options: huge) == 2.0 / 3)
    }

    @Test func normalizedEntropyIsOneForThePriorItself() {
        // Labels 0, 0, 0, 1: the prior is [0.75, 0.25]; predicting it gives NE = 1.
        let prior = Matrix([[0.75, 0.25], [0.75, 0.25], [0.75, 0.25], [0.75, 0.25]])
        let labels = CategoricalLabels.indices([0, 0, 0, 1])
        let loss = categoricalCrossEntropy(predictions: prior, labels: labels).mean
        let ne = NormalizedEntropy.categorical(loss: loss, labels: labels, classes: 2, options: LossOptions())
        #expect(isClose(ne ?? 0, 1, relative: 1e-15))
        // A better model is below 1.
        let sharp = Matrix([[0.9, 0.1], [0.9, 0.1], [0.9, 0.1], [0.2, 0.8]])
        let better = categoricalCrossEntropy(predictions: sharp, labels: labels).mean
        #expect(
            (NormalizedEntropy.categorical(loss: better, labels: labels, classes: 2, options: LossOptions()) ?? 2) < 1)
    }

    @Test func binaryNormalizedEntropyUsesEachClassBaseRate() {
        let y = Matrix([[1, 0], [0, 0], [1, 1], [1, 0]])
        let rates = Matrix([[0.75, 0.25], [0.75, 0.25], [0.75, 0.25], [0.75, 0.25]])
        let loss = binaryCrossEntropy(predictions: rates, targets: y).mean
        #expect(
            isClose(NormalizedEntropy.binary(loss: loss, targets: y, options: LossOptions()) ?? 0, 1, relative: 1e-15))
    }

    @Test func normalizedEntropyIsUndefinedWhenEveryLabelIsTheSame() {
        let labels = CategoricalLabels.indices([1, 1])
        #expect(NormalizedEntropy.categorical(loss: 0.5, labels: labels, classes: 2, options: LossOptions()) == nil)
    }

    @Test func perplexityIsBaseToTheLoss() {
        #expect(LogBase.two.power(-log2(0.7)) == 1 / 0.7)
        #expect(isClose(LogBase.e.power(-log(0.25)), 4, relative: 1e-15))
        #expect(isClose(LogBase.ten.power(2), 100, relative: 1e-15))
    }
}
