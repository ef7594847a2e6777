import CrossEntropy
import Foundation
import Testing

/// The conventions' defaults and reductions in the core library (their numbers against the real
/// libraries are in GoldenVectorTests).
@Suite struct ConventionTests {
    @Test func defaults() {
        #expect(Convention.document.defaultBase == .two)
        #expect(Convention.allCases.filter { $0 != .document }.allSatisfy { $0.defaultBase == .e })
        #expect(Convention.sklearn.defaultClipping.epsilon == Clipping.machineEpsilon)
        #expect(Convention.pytorch.defaultClipping.epsilon == 0)
        #expect(Convention.keras.defaultClipping.epsilon == 1e-7)
    }

    @Test func theREADMEsPyTorchExample() {
        var options = LossOptions(convention: .pytorch, predictionKind: .logits)
        options.classWeights = [2, 1, 1]
        let logits = Matrix([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]])
        let torch = categoricalCrossEntropy(predictions: logits, labels: .indices([0, 1]), options: options)
        #expect(torch.mean == 0.351_369_851_858_734_9)
        // Divided by the labelled classes' weights (2 + 1), not by n; the document's mean divides by n.
        #expect(torch.mean == torch.sum / 3)
        #expect(torch.weightedMean == torch.sum / 2)
    }

    @Test func kerasDividesAWeightedSumByTheBatchSize() {
        let options = LossOptions(
            convention: .keras, predictionKind: .probabilities, base: .e, clipping: Clipping(epsilon: 1e-7),
            sampleWeights: [1, 3])
        let result = categoricalCrossEntropy(
            predictions: Matrix([[0.5, 0.5], [0.2, 0.6]]), labels: .indices([0, 1]), options: options)
        // The second row is divided by its sum 0.8 first.
        #expect(result.losses == [-log(0.5), -log(0.6 / 0.8)])
        #expect(result.mean == result.sum / 2)
        #expect(result.weightedMean == result.sum / 4)
    }

    @Test func binaryReductions() {
        let predictions = Matrix([[0.8, 0.4], [0.3, 0.9]])
        let targets = Matrix([[1, 0], [0, 1]])
        let document = binaryCrossEntropy(predictions: predictions, targets: targets, options: LossOptions(base: .e))
        let torch = binaryCrossEntropy(
            predictions: predictions, targets: targets,
            options: LossOptions(convention: .pytorch, predictionKind: .probabilities))
        let keras = binaryCrossEntropy(
            predictions: predictions, targets: targets,
            options: LossOptions(convention: .keras, predictionKind: .probabilities))
        // PyTorch: the mean over all four elements; Keras: per-sample means over the classes.
        #expect(abs(torch.mean - document.mean / 2) <= 1e-15)
        #expect(zip(keras.losses, document.losses).allSatisfy { abs($0 - $1 / 2) <= 1e-15 })
        #expect(abs(keras.mean - document.mean / 2) <= 1e-15)
        #expect(abs(torch.sum - document.sum) <= 1e-15)
    }

    @Test func pytorchClampsEachLogAtMinus100() {
        let options = LossOptions(convention: .pytorch, predictionKind: .probabilities)
        let result = binaryCrossEntropy(predictions: Matrix([[0, 1]]), targets: Matrix([[1, 0]]), options: options)
        #expect(result.losses == [200])
    }
}
