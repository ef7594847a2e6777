import CrossEntropy
import Foundation

/// Vectors/compare.json, written by scripts/vectors/compare.py from scipy: /compare requests
/// with the paired comparison their answers must carry.
struct CompareVectors: Decodable, Sendable {
    /// A /compare body, as sent over HTTP.
    struct Body: Decodable, Sendable {
        let loss: String
        let convention: String
        let baseline: [[Double]]
        let candidate: [[Double]]
        let labels: ReferenceVector.Labels
        let confidence: Double?
        let sampleWeights: [Double]?
        let classWeights: [Double]?

        enum CodingKeys: String, CodingKey {
            case loss, convention, baseline, candidate, labels, confidence
            case sampleWeights = "sample_weights"
            case classWeights = "class_weights"
        }
    }

    struct Expected: Decodable, Sendable {
        let mean: Double
        let standardError: Double
        let interval: [Double]
        let pValue: Double
        let verdict: String

        enum CodingKeys: String, CodingKey {
            case mean, interval, verdict
            case standardError = "standard_error"
            case pValue = "p_value"
        }
    }

    struct Case: Decodable, Sendable {
        let name: String
        let body: Body
        let expected: Expected

        var options: LossOptions {
            let convention = Convention(rawValue: body.convention) ?? .document
            let logits = convention == .pytorch && body.loss == "cce"
            var options = LossOptions(convention: convention, predictionKind: logits ? .logits : .probabilities)
            options.sampleWeights = body.sampleWeights
            options.classWeights = body.classWeights
            return options
        }

        var confidence: Double { body.confidence ?? 0.95 }
    }

    let cases: [Case]

    static let file: CompareVectors = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Vectors/compare.json")
        do {
            return try JSONDecoder().decode(CompareVectors.self, from: Data(contentsOf: url))
        } catch {
            fatalError("cannot read \(url.path): \(error)")
        }
    }()
}
