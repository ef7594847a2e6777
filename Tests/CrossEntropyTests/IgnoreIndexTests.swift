import CrossEntropy
import Foundation
import TestSupport
import Testing

/// One case of Vectors/ignore_index.json, written by scripts/vectors/ignore_index.py from
/// PyTorch's cross_entropy (and nll_loss, for the document convention): index labels some of
/// which equal the ignore_index, and PyTorch's numbers with the ignored samples' losses null.
struct IgnoreIndexVector: Decodable, Sendable, CustomTestStringConvertible {
    struct Request: Decodable, Sendable {
        let convention: String?
        let predictions: [[Double]]
        let labels: [Int]
        let ignoreIndex: Int?
        let classWeights: [Double]?
        let sampleWeights: [Double]?
        let labelSmoothing: Double?
        let base: Int?

        enum CodingKeys: String, CodingKey {
            case convention, predictions, labels, base
            case ignoreIndex = "ignore_index"
            case classWeights = "class_weights"
            case sampleWeights = "sample_weights"
            case labelSmoothing = "label_smoothing"
        }
    }

    struct Expected: Decodable, Sendable {
        let loss: Double
        let sum: Double
        let losses: [Double?]
        let n: Int
        let ignored: Int
        let denominator: Double
    }

    let name: String
    let request: Request
    let expected: Expected

    var testDescription: String { name }

    /// The service's defaults: PyTorch's logits, nats and -100; the document's probabilities,
    /// bits and no default ignore_index.
    var options: LossOptions {
        let pytorch = request.convention == "pytorch"
        var options = LossOptions(
            convention: pytorch ? .pytorch : .document, predictionKind: pytorch ? .logits : .probabilities)
        if request.base == 2 { options.base = .two }
        options.classWeights = request.classWeights
        options.sampleWeights = request.sampleWeights
        options.labelSmoothing = request.labelSmoothing ?? 0
        return options
    }

    var ignoreIndex: Int { request.ignoreIndex ?? IgnoredSamples.pytorchDefault }

    static let all: [IgnoreIndexVector] = {
        struct File: Decodable { let cases: [IgnoreIndexVector] }
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Vectors/ignore_index.json")
        do {
            return try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases
        } catch {
            fatalError("cannot read \(url.path): \(error)")
        }
    }()
}

/// PyTorch's ignore_index: the samples left out by `IgnoredSamples`, the loss of the others.
@Suite struct IgnoreIndexTests {
    @Test func theFileCoversWeightsSmoothingAndBothConventions() {
        let names = IgnoreIndexVector.all.map(\.name)
        #expect(names.count >= 10)
        for prefix in [
            "pytorch-class-weights", "pytorch-weights-smoothing", "pytorch-index-2", "document-sample-weights",
        ] {
            #expect(names.contains { $0.hasPrefix(prefix) }, "no \(prefix) case")
        }
    }

    @Test(arguments: IgnoreIndexVector.all)
    func matchesPyTorch(vector: IgnoreIndexVector) throws {
        let request = vector.request
        let ignored = try #require(IgnoredSamples(labels: request.labels, ignoreIndex: vector.ignoreIndex))
        #expect(ignored.keptCount == vector.expected.n)
        #expect(ignored.positions.count == vector.expected.ignored)
        var options = vector.options
        options.sampleWeights = options.sampleWeights.map(ignored.kept)
        let labels = CategoricalLabels.indices(ignored.kept(request.labels))
        let result = categoricalCrossEntropy(
            predictions: ignored.kept(Matrix(request.predictions)), labels: labels, options: options)
        #expect(isClose(result.mean, vector.expected.loss, relative: 1e-12), "loss \(result.mean)")
        #expect(isClose(result.sum, vector.expected.sum, relative: 1e-12), "sum \(result.sum)")
        let losses = ignored.restoring(result.losses)
        #expect(losses.count == vector.expected.losses.count)
        for (i, (actual, expected)) in zip(losses, vector.expected.losses).enumerated() {
            switch (actual, expected) {
            case (nil, nil): break
            case (let a?, let e?): #expect(isClose(a, e, relative: 1e-12), "losses[\(i)]: \(a) vs \(e)")
            default: Issue.record("losses[\(i)]: \(String(describing: actual)) vs \(String(describing: expected))")
            }
        }
        let moments = LossTerms.categorical(result, labels: labels, options: options)
        #expect(isClose(moments.denominator, vector.expected.denominator, relative: 1e-12))
    }

    /// The ignored rows play no part: however wild their predictions, the kept samples' numbers
    /// are the same (the golden cases give the ignored rows extreme logits for the same reason).
    @Test func ignoredRowsDoNotMatter() throws {
        let labels = [0, -100, 2, 1, -100]
        let calm = Matrix([[1, 2, 3], [0, 0, 0], [3, 1, 0], [0.5, 0.5, 0], [1, 1, 1]])
        var wild = calm
        wild.values.replaceSubrange(3..<6, with: [900, -900, 0])
        wild.values.replaceSubrange(12..<15, with: [-1e300, 0, 1e300])
        let ignored = try #require(IgnoredSamples(labels: labels, ignoreIndex: -100))
        #expect(ignored.positions == [1, 4])
        let options = LossOptions(convention: .pytorch, predictionKind: .logits)
        let kept = CategoricalLabels.indices(ignored.kept(labels))
        let a = categoricalCrossEntropy(predictions: ignored.kept(calm), labels: kept, options: options)
        let b = categoricalCrossEntropy(predictions: ignored.kept(wild), labels: kept, options: options)
        #expect(a == b)
        #expect(a.losses.count == 3)
    }

    @Test func keptAndRestoringKeepTheOrder() throws {
        #expect(IgnoredSamples(labels: [0, 1, 2], ignoreIndex: -100) == nil)
        let ignored = try #require(IgnoredSamples(labels: [7, 0, 7, 1, 2, 7], ignoreIndex: 7))
        #expect(ignored.positions == [0, 2, 5])
        #expect(ignored.total == 6 && ignored.keptCount == 3)
        #expect(ignored.kept(["a", "b", "c", "d", "e", "f"]) == ["b", "d", "e"])
        let matrix = Matrix((0..<6).map { [Double($0), -Double($0)] })
        #expect(ignored.kept(matrix) == Matrix([[1, -1], [3, -3], [4, -4]]))
        #expect(ignored.restoring([10, 20, 30]) == [nil, 10, nil, 20, 30, nil])
    }
}
