import CrossEntropy
import Foundation

/// One case of Vectors/reference.json, written by scripts/vectors/generate.py from
/// scikit-learn and scipy.
struct ReferenceVector: Decodable, Sendable {
    enum Labels: Decodable, Sendable {
        case indices([Int])
        case rows([[Double]])

        init(from decoder: any Decoder) throws {
            let value = try decoder.singleValueContainer()
            if let indices = try? value.decode([Int].self) {
                self = .indices(indices)
            } else {
                self = .rows(try value.decode([[Double]].self))
            }
        }
    }

    enum Base: Decodable, Sendable {
        case number(Int)
        case name(String)

        init(from decoder: any Decoder) throws {
            let value = try decoder.singleValueContainer()
            if let number = try? value.decode(Int.self) {
                self = .number(number)
            } else {
                self = .name(try value.decode(String.self))
            }
        }

        var logBase: LogBase {
            switch self {
            case .number(2): .two
            case .number(10): .ten
            default: .e
            }
        }
    }

    struct Expected: Decodable, Sendable {
        let loss: Double
        let sum: Double
        let losses: [Double]
        let classLosses: [Double]?

        enum CodingKeys: String, CodingKey {
            case loss, sum, losses
            case classLosses = "class_losses"
        }
    }

    /// Weights and smoothing, as the request fields of the same names.
    struct Options: Decodable, Sendable {
        let sampleWeights: [Double]?
        let classWeights: [Double]?
        let posWeight: [Double]?
        let labelSmoothing: Double?

        enum CodingKeys: String, CodingKey {
            case sampleWeights = "sample_weights"
            case classWeights = "class_weights"
            case posWeight = "pos_weight"
            case labelSmoothing = "label_smoothing"
        }
    }

    let name: String
    let options: Options
    let loss: String
    let input: String
    let base: Base
    let predictions: [[Double]]
    let labels: Labels
    let expected: Expected

    var lossOptions: LossOptions {
        LossOptions(
            predictionKind: input == "logits" ? .logits : .probabilities,
            base: base.logBase,
            labelSmoothing: options.labelSmoothing ?? 0,
            sampleWeights: options.sampleWeights,
            classWeights: options.classWeights,
            positiveWeights: options.posWeight
        )
    }

    static let all: [ReferenceVector] = {
        struct File: Decodable { let cases: [ReferenceVector] }
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Vectors/reference.json")
        do {
            return try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases
        } catch {
            fatalError("cannot read \(url.path): \(error)")
        }
    }()
}
