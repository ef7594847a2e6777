import CrossEntropy
import Foundation

/// Vectors/uncertainty.json, written by scripts/vectors/uncertainty.py from scipy: Student t
/// quantiles and tails, and scoring requests with their denominator, standard error and interval.
struct UncertaintyVectors: Decodable, Sendable {
    struct Quantile: Decodable, Sendable {
        let df: Double
        let confidence: Double
        let critical: Double
    }

    struct Tail: Decodable, Sendable {
        let df: Double
        let t: Double
        let sf: Double
        let cdf: Double
    }

    /// A /cce or /bce body, as sent over HTTP.
    struct Body: Decodable, Sendable {
        let convention: String
        let predictions: [[Double]]
        let labels: ReferenceVector.Labels
        let confidence: Double?
        let sampleWeights: [Double]?
        let classWeights: [Double]?
        let labelSmoothing: Double?

        enum CodingKeys: String, CodingKey {
            case convention, predictions, labels, confidence
            case sampleWeights = "sample_weights"
            case classWeights = "class_weights"
            case labelSmoothing = "label_smoothing"
        }
    }

    struct Expected: Decodable, Sendable {
        let loss: Double
        let sum: Double?
        let denominator: Double?
        let standardError: Double
        let interval: [Double]

        enum CodingKeys: String, CodingKey {
            case loss, sum, denominator, interval
            case standardError = "standard_error"
        }
    }

    struct Case: Decodable, Sendable {
        let name: String
        let loss: String
        let body: Body
        let expected: Expected
        let jackknifeStandardError: Double?

        enum CodingKeys: String, CodingKey {
            case name, loss, body, expected
            case jackknifeStandardError = "jackknife_standard_error"
        }

        var options: LossOptions {
            let convention = Convention(rawValue: body.convention) ?? .document
            let logits = convention == .pytorch && loss == "cce"
            var options = LossOptions(convention: convention, predictionKind: logits ? .logits : .probabilities)
            options.sampleWeights = body.sampleWeights
            options.classWeights = body.classWeights
            options.labelSmoothing = body.labelSmoothing ?? 0
            return options
        }
    }

    let quantiles: [Quantile]
    let tails: [Tail]
    let cases: [Case]

    static let file: UncertaintyVectors = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Vectors/uncertainty.json")
        do {
            return try JSONDecoder().decode(UncertaintyVectors.self, from: Data(contentsOf: url))
        } catch {
            fatalError("cannot read \(url.path): \(error)")
        }
    }()
}
