import Foundation
import TestSupport
import Testing

@testable import CrossEntropy

/// Weights at float64's corners: every weighted term is divided by the power of two of the
/// largest before it is summed (`ScaledSum`) and results are scaled back, so totals neither
/// overflow (1e308) nor lose small weights (5e-324), and ordinary weights give the same bits.
@Suite struct WeightScalingTests {
    let seed = Matrix([[0.2, 0.7, 0.1], [0.2, 0.7, 0.1]])
    let seedLoss = 0.5145731728297583  // -log2 0.7

    @Test func hugeSampleWeightsGiveTheUnweightedMean() {
        // Σ s_i = 2e308 overflows; the mean is still -log2 0.7 and the sum 2e308 · 0.51….
        let options = LossOptions(sampleWeights: [1e308, 1e308])
        let result = categoricalCrossEntropy(predictions: seed, labels: .indices([1, 1]), options: options)
        #expect(result.mean == seedLoss)
        #expect(isClose(result.sum, 2e308 * 0.5 * seedLoss * 2, relative: 1e-15))
        #expect(categoricalAccuracy(predictions: seed, labels: .indices([1, 1]), options: options) == 1)
    }

    @Test func theLargestWeightsGiveAnInfiniteSumNotNaN() {
        let options = LossOptions(sampleWeights: [.greatestFiniteMagnitude, .greatestFiniteMagnitude])
        let result = categoricalCrossEntropy(predictions: seed, labels: .indices([1, 1]), options: options)
        #expect(result.mean == seedLoss)
        #expect(result.sum == .infinity)  // the exact sum is beyond float64: the server answers 422
    }

    @Test func aSubnormalWeightIsNotRoundedAway() {
        // 5e-324 · L rounds to a subnormal; the weighted mean must still be L exactly.
        let options = LossOptions(sampleWeights: [5e-324, 0])
        let result = categoricalCrossEntropy(predictions: seed, labels: .indices([1, 1]), options: options)
        #expect(result.mean == seedLoss)
        #expect(result.weightedMean == seedLoss)
        let binary = binaryCrossEntropy(
            predictions: Matrix([[0.8], [0.3]]), targets: Matrix([[1], [1]]), options: options)
        #expect(binary.mean == -log2(0.8))
        #expect(binary.classLosses == [-log2(0.8)])
    }

    @Test func ordinaryWeightsGiveTheSameBitsAtAnyScale() {
        let predictions = Matrix([[0.5, 0.25, 0.25], [0.125, 0.75, 0.125], [0.3, 0.3, 0.4]])
        let labels = CategoricalLabels.indices([0, 1, 2])
        let plain = categoricalCrossEntropy(
            predictions: predictions, labels: labels, options: LossOptions(sampleWeights: [3, 1, 0.7]))
        for factor in [0x1p-1000, 0x1p-600, 0x1p600, 0x1p1000] {
            let scaled = categoricalCrossEntropy(
                predictions: predictions,
                labels: labels,
                options: LossOptions(sampleWeights: [3 * factor, factor, 0.7 * factor])
            )
            #expect(scaled.mean == plain.mean)
            #expect(scaled.losses == plain.losses)
            #expect(scaled.sum == plain.sum * factor)
        }
    }

    @Test func classWeightsFactorOutOfPyTorchsMean() {
        // PyTorch divides by Σ w_{y_i}: any common class weight cancels, 5e-324 and 1e308 included.
        let logits = Matrix([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0]])
        let labels = CategoricalLabels.indices([0, 1])
        let options = LossOptions(convention: .pytorch, predictionKind: .logits)
        let unweighted = categoricalCrossEntropy(predictions: logits, labels: labels, options: options)
        for weight in [5e-324, 1e-300, 1e300, 1e308, Double.greatestFiniteMagnitude] {
            var weighted = options
            weighted.classWeights = [weight, weight, 1]
            let result = categoricalCrossEntropy(predictions: logits, labels: labels, options: weighted)
            #expect(result.mean == unweighted.mean, "class weight \(weight)")
        }
    }

    @Test func hugeClassWeightsScaleTheLossesBack() {
        var options = LossOptions()
        options.classWeights = [1, 1e308, 1]
        let result = categoricalCrossEntropy(predictions: seed, labels: .indices([1, 1]), options: options)
        #expect(result.losses == [1e308 * seedLoss, 1e308 * seedLoss])
        #expect(result.mean == 1e308 * seedLoss)
        #expect(result.sum == 1e308 * seedLoss * 2)
        options.classWeights = [1, .greatestFiniteMagnitude, 1]
        let beyond = categoricalCrossEntropy(predictions: seed, labels: .indices([1, 1]), options: options)
        #expect(beyond.losses == [.greatestFiniteMagnitude * seedLoss, .greatestFiniteMagnitude * seedLoss])
        #expect(beyond.sum == .infinity)  // 0.93e308 twice: the server answers 422
    }

    @Test func binaryClassLossesNearTheLargestFiniteValueStayFinite() {
        // Two element losses of about 1.7e308 with tiny sample weights: the class total
        // overflows unscaled; the mean (1.7e308) and the weighted sum (3.4e8) do not.
        let options = LossOptions(predictionKind: .logits, base: .e, sampleWeights: [1e-300, 1e-300])
        let result = binaryCrossEntropy(
            predictions: Matrix([[1.7e308], [1.7e308]]), targets: Matrix([[0], [0]]), options: options)
        #expect(result.mean == 1.7e308)
        #expect(result.classLosses == [1.7e308])
        #expect(isClose(result.sum, 3.4e8, relative: 1e-15))
    }

    @Test func classWeightsOfAnyRangeGiveEachSampleItsOwnLoss() {
        // 1e-290 and 1e300 in one array: neither is rounded away beside the other.
        var options = LossOptions()
        options.classWeights = [1e-290, 1e300, 1]
        let result = categoricalCrossEntropy(
            predictions: Matrix([[0.2, 0.7, 0.1], [0.2, 0.7, 0.1]]), labels: .indices([0, 1]), options: options)
        #expect(result.losses == [1e-290 * -log2(0.2), 1e300 * seedLoss])
        #expect(isClose(result.mean, 1e300 * seedLoss / 2, relative: 1e-15))
    }

    @Test func aSubnormalTargetTimesTheLargestPosWeightIsNotRoundedAway() {
        // y = 5e-324 times -log p rounds to a subnormal with 6 significant bits; times the
        // largest weight it is 3.2e-14, which must keep all 53.
        var options = LossOptions(base: .e)
        options.positiveWeights = [.greatestFiniteMagnitude]
        let result = binaryCrossEntropy(
            predictions: Matrix([[0.25]]), targets: Matrix([[5e-324]]), options: options)
        let expected = .greatestFiniteMagnitude * 5e-324 * -log(0.25) + (1 - 5e-324) * -log(0.75)
        #expect(isClose(result.classLosses[0], expected, relative: 1e-15))
        #expect(isClose(result.losses[0], expected, relative: 1e-15))
    }

    @Test func aScaledSumOfExtremeProductsIsExact() {
        var sum = ScaledSum()
        sum.add(1e300, times: 1e300)  // 1e600: beyond float64 on its own
        sum.add(1e300, times: 1e300)
        #expect(isClose(ScaledSum.ratio(sum, ScaledSum(1e300)), 2e300, relative: 1e-15))
        var tiny = ScaledSum()
        tiny.add(5e-324, times: 0.5)  // 2.5e-324: below float64 on its own
        tiny.add(3, times: 5e-324, and: 0.5)
        #expect(ScaledSum.ratio(tiny, ScaledSum(5e-324)) == 2)
        #expect(sum.value == .infinity)
    }

    @Test func anInfiniteTermKeepsACompensatedSumInfinite() {
        var sum = CompensatedSum()
        sum.add(1)
        sum.add(.infinity)
        sum.add(2)
        #expect(sum.value == .infinity)
        #expect(CompensatedSum.of([1e308, 1e308, -1]) == .infinity)
    }
}
