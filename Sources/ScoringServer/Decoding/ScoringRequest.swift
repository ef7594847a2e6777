/// One scoring request as decoded from JSON, before validation: /cce and /bce bodies, and
/// each job of a /batch body. Members are read one by one so that unknown members are kept
/// (and reported with the closest known name) and `null` counts as absent.
struct ScoringRequest: Sendable {
    /// Where the request stands: a whole body, or one job of a batch (which adds `id`, `loss`).
    enum Context: Sendable {
        case body
        case batchJob
    }

    static let scoringFields = [
        "predictions", "labels", "input", "base", "per_sample", "sample_weights", "class_weights", "pos_weight",
        "label_smoothing", "epsilon", "convention",
    ]
    static let jobFields = ["id", "loss"]

    var predictions: NumberMatrix?
    var labels: LabelsField?
    var input: String?
    var base: BaseField?
    var perSample: Bool?
    var sampleWeights: [Double]?
    var classWeights: [Double]?
    var positiveWeights: [Double]?
    var labelSmoothing: Double?
    var epsilon: Double?
    var convention: String?
    var id: String?
    var loss: String?
    /// Members that are not fields of this context, in the order of their names.
    var unknownFields: [String] = []

    init(from decoder: any Decoder, context: Context) throws {
        let object = try decoder.container(keyedBy: FieldKey.self)
        for key in object.allKeys {
            switch (key.stringValue, context) {
            case ("predictions", _): predictions = try object.decodeIfPresent(NumberMatrix.self, forKey: key)
            case ("labels", _): labels = try object.decodeIfPresent(LabelsField.self, forKey: key)
            case ("input", _): input = try object.decodeIfPresent(String.self, forKey: key)
            case ("base", _): base = try object.decodeIfPresent(BaseField.self, forKey: key)
            case ("per_sample", _): perSample = try object.decodeIfPresent(Bool.self, forKey: key)
            case ("sample_weights", _):
                sampleWeights = try object.decodeIfPresent(FlatNumbers.self, forKey: key)?.values
            case ("class_weights", _): classWeights = try object.decodeIfPresent(FlatNumbers.self, forKey: key)?.values
            case ("pos_weight", _): positiveWeights = try object.decodeIfPresent(FlatNumbers.self, forKey: key)?.values
            case ("label_smoothing", _): labelSmoothing = try object.decodeIfPresent(Double.self, forKey: key)
            case ("epsilon", _): epsilon = try object.decodeIfPresent(Double.self, forKey: key)
            case ("convention", _): convention = try object.decodeIfPresent(String.self, forKey: key)
            case ("id", .batchJob): id = try object.decodeIfPresent(String.self, forKey: key)
            case ("loss", .batchJob): loss = try object.decodeIfPresent(String.self, forKey: key)
            default: unknownFields.append(key.stringValue)
            }
        }
        unknownFields.sort()
    }

    static func knownFields(in context: Context) -> [String] {
        context == .body ? scoringFields : scoringFields + jobFields
    }
}

/// A /cce or /bce body.
struct ScoringBody: Decodable {
    let request: ScoringRequest

    init(from decoder: any Decoder) throws {
        request = try ScoringRequest(from: decoder, context: .body)
    }
}
