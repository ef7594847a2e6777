/// The members a /compare body has beside the option members it shares with /cce and /bce:
/// the two prediction matrices. Declared once for decoding, the 422's known fields and the
/// 400's expectations.
enum CompareField: String, CaseIterable, Sendable {
    case baseline
    case candidate

    /// What the member must be, in the contract's words.
    var expected: String { ScoringField.predictions.expected }

    /// The scoring members a /compare body takes: `loss`, `labels`, `model` (the candidate's) and
    /// the options, applied to both models (not `predictions`, whose place the two matrices take,
    /// nor a job's `id`, nor `ignore_index`: pairing with left-out samples is not defined yet).
    static let sharedFields = ScoringField.allCases.filter { ![.predictions, .id, .ignoreIndex].contains($0) }

    /// Every member name a /compare body may have.
    static let known = allCases.map(\.rawValue) + sharedFields.map(\.rawValue)
}

/// A /compare body as decoded, before validation: the shared members in a `ScoringRequest`
/// (without `predictions`), and the two matrices.
struct CompareRequest: Decodable {
    var shared = ScoringRequest()
    var baseline: NumberMatrix?
    var candidate: NumberMatrix?

    init(from decoder: any Decoder) throws {
        let object = try decoder.container(keyedBy: FieldKey.self)
        for key in object.allKeys {
            if let field = CompareField(rawValue: key.stringValue) {
                let matrix = try object.decodeIfPresent(NumberMatrix.self, forKey: key)
                switch field {
                case .baseline: baseline = matrix
                case .candidate: candidate = matrix
                }
            } else if let field = ScoringField(rawValue: key.stringValue), CompareField.sharedFields.contains(field) {
                try shared.read(field, forKey: key, from: object)
            } else {
                shared.unknownFields.record(key.stringValue)
            }
        }
    }
}
