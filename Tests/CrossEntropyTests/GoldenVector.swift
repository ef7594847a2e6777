import CrossEntropy
import Foundation
import Testing

/// One case of Vectors/golden.json, written by scripts/vectors/golden.py from the real
/// scikit-learn, PyTorch and Keras: a request body with a `convention`, and the library's
/// numbers for it.
struct GoldenVector: Decodable, Sendable {
    /// The fields of the body that the core library needs.
    struct Request: Decodable, Sendable {
        let convention: String
        let input: String?
        let base: Int?
        let epsilon: Double?
        let predictions: [[Double]]
        let labels: ReferenceVector.Labels
        let sampleWeights: [Double]?
        let classWeights: [Double]?
        let posWeight: [Double]?
        let labelSmoothing: Double?

        enum CodingKeys: String, CodingKey {
            case convention, input, base, epsilon, predictions, labels
            case sampleWeights = "sample_weights"
            case classWeights = "class_weights"
            case posWeight = "pos_weight"
            case labelSmoothing = "label_smoothing"
        }
    }

    struct Expected: Decodable, Sendable {
        let loss: Double
        let sum: Double
        let losses: [Double]
    }

    let name: String
    let loss: String
    let request: Request
    let expected: Expected

    /// The service's defaults for the convention (logits for PyTorch's categorical loss,
    /// nats), then the fields the body sets.
    var lossOptions: LossOptions {
        let convention = Convention(rawValue: request.convention)!
        let defaultKind: PredictionKind = convention == .pytorch && loss == "cce" ? .logits : .probabilities
        let kind = request.input.map { $0 == "logits" ? PredictionKind.logits : .probabilities } ?? defaultKind
        var options = LossOptions(convention: convention, predictionKind: kind)
        if request.base == 2 { options.base = .two }
        if let epsilon = request.epsilon { options.clipping = Clipping(epsilon: epsilon) }
        options.labelSmoothing = request.labelSmoothing ?? 0
        options.sampleWeights = request.sampleWeights
        options.classWeights = request.classWeights
        options.positiveWeights = request.posWeight
        return options
    }

    /// 0, except where Keras renormalises probability rows: its row sum may round differently
    /// from ours by one unit, and -log of a renormalised p near 1 (a loss near 6e-6) turns that
    /// into 1e-11 relative; allow those two units of 1 absolute.
    var roundingAllowance: Double {
        request.convention == "keras" && loss == "cce" && request.input != "logits" ? 4.5e-16 : 0
    }

    static let all: [GoldenVector] = {
        struct File: Decodable { let cases: [GoldenVector] }
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Vectors/golden.json")
        do {
            return try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases
        } catch {
            fatalError("cannot read \(url.path): \(error)")
        }
    }()
}

extension GoldenVector: CustomTestStringConvertible {
    var testDescription: String { name }
}
