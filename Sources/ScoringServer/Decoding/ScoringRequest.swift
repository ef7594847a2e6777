/// The members of a scoring request, declared once: `ScoringRequest`'s decoding switch is
/// exhaustive over these cases, and the known-field lists of a 422 come from the same cases, so
/// a new option is one case here and one line in the switch (which the compiler asks for).
enum ScoringField: String, CaseIterable, Sendable {
    case predictions
    case labels
    case input
    case base
    case perSample = "per_sample"
    case perClass = "per_class"
    case confidence
    case sampleWeights = "sample_weights"
    case classWeights = "class_weights"
    case positiveWeights = "pos_weight"
    case labelSmoothing = "label_smoothing"
    case epsilon
    case convention
    case ignoreIndex = "ignore_index"
    case model
    /// A batch job's own members.
    case id
    case loss

    /// What the member must be, in the contract's words (for a 400 when its JSON type is wrong).
    var expected: String {
        switch self {
        case .predictions:
            "an array of rows of numbers (for binary cross-entropy, or of numbers), or a tensor object {\"shape\", \"data\" or \"data_base64\"}"
        case .labels:
            "an array of class indices (integers) or of rows of numbers (for binary cross-entropy: 0 and 1, not true and false), or a tensor object"
        // PyTorch calls the model's output `input`: say where the values go.
        case .input: "\"probabilities\" or \"logits\" (what predictions hold; the values go in predictions)"
        case .base: "2, \"e\" or 10"
        case .perSample, .perClass: "true or false"
        case .confidence: "a number"
        case .sampleWeights, .classWeights, .positiveWeights: "an array of numbers"
        case .labelSmoothing, .epsilon: "a number"
        case .convention: "\"document\", \"sklearn\", \"pytorch\" or \"keras\""
        case .ignoreIndex: "an integer"
        case .model: "a string"
        case .id: "a string"
        case .loss: "\"cce\" or \"bce\""
        }
    }

    /// The member holding per-class weights for `kind`: `class_weights` for CCE, `pos_weight`
    /// for BCE (the other is refused there).
    static func classWeightField(of kind: LossKind) -> ScoringField {
        kind == .cce ? .classWeights : .positiveWeights
    }

    /// Whether the member belongs to batch jobs only.
    var isBatchJobOnly: Bool { self == .id || self == .loss }

    private static let bodyFields = allCases.filter { !$0.isBatchJobOnly }.map(\.rawValue)
    private static let jobFields = allCases.map(\.rawValue)

    /// The member names a request may have where it stands.
    static func known(in context: ScoringRequest.Context) -> [String] {
        context == .body ? bodyFields : jobFields
    }
}

/// One scoring request as decoded from JSON, before validation: /cce and /bce bodies, and
/// each job of a /batch body. Members are read one by one so that unknown members are kept
/// (and reported with the closest known name) and `null` counts as absent.
struct ScoringRequest: Sendable {
    /// Where the request stands: a whole body, or one job of a batch (which adds `id`, `loss`).
    enum Context: Sendable {
        case body
        case batchJob
    }

    var predictions: NumberMatrix?
    var labels: LabelsField?
    var input: String?
    var base: BaseField?
    var perSample: Bool?
    var perClass: Bool?
    var confidence: Double?
    var sampleWeights: [Double]?
    var classWeights: [Double]?
    var positiveWeights: [Double]?
    var labelSmoothing: Double?
    var epsilon: Double?
    var convention: String?
    var ignoreIndex: Double?
    var model: String?
    var id: String?
    var loss: String?
    /// Members that are not fields of this context.
    var unknownFields = UnknownFields()

    /// The per-class weights sent in `field` (`class_weights` or `pos_weight`).
    func weights(_ field: ScoringField) -> [Double]? {
        field == .positiveWeights ? positiveWeights : field == .classWeights ? classWeights : nil
    }

    /// A request with no members (a /compare body's shared members, a JSON Lines stream's options).
    init() {}

    init(from decoder: any Decoder, context: Context) throws {
        try self.init(try decoder.object(), context: context)
    }

    /// Reads the members of `object` (each object's container is made once: a second one would
    /// make every member look duplicated to `DuplicateMembers`).
    init(_ object: KeyedDecodingContainer<FieldKey>, context: Context) throws {
        for key in object.allKeys {
            guard let field = ScoringField(rawValue: key.stringValue), context == .batchJob || !field.isBatchJobOnly
            else {
                unknownFields.record(key.stringValue)
                continue
            }
            try read(field, forKey: key, from: object)
        }
    }

    /// Reads one known member (also for /compare bodies, which share the option members).
    mutating func read(_ field: ScoringField, forKey key: FieldKey, from object: KeyedDecodingContainer<FieldKey>)
        throws
    {
        switch field {
        case .predictions: predictions = try object.decodeIfPresent(NumberMatrix.self, forKey: key)
        case .labels: labels = try object.decodeIfPresent(LabelsField.self, forKey: key)
        case .input: input = try object.decodeStringIfPresent(forKey: key)
        case .base: base = try object.decodeIfPresent(BaseField.self, forKey: key)
        case .perSample: perSample = try object.decodeIfPresent(Bool.self, forKey: key)
        case .perClass: perClass = try object.decodeIfPresent(Bool.self, forKey: key)
        case .confidence: confidence = try object.decodeNumberIfPresent(forKey: key)
        case .sampleWeights: sampleWeights = try object.decodeIfPresent(FlatNumbers.self, forKey: key)?.values
        case .classWeights: classWeights = try object.decodeIfPresent(FlatNumbers.self, forKey: key)?.values
        case .positiveWeights: positiveWeights = try object.decodeIfPresent(FlatNumbers.self, forKey: key)?.values
        case .labelSmoothing: labelSmoothing = try object.decodeNumberIfPresent(forKey: key)
        case .epsilon: epsilon = try object.decodeNumberIfPresent(forKey: key)
        case .convention: convention = try object.decodeStringIfPresent(forKey: key)
        case .ignoreIndex: ignoreIndex = try object.decodeNumberIfPresent(forKey: key)
        case .model: model = try object.decodeStringIfPresent(forKey: key)
        case .id: id = try object.decodeStringIfPresent(forKey: key)
        case .loss: loss = try object.decodeStringIfPresent(forKey: key)
        }
    }

}

/// A /cce or /bce body.
struct ScoringBody: Decodable {
    let request: ScoringRequest

    init(from decoder: any Decoder) throws {
        request = try ScoringRequest(from: decoder, context: .body)
    }
}
