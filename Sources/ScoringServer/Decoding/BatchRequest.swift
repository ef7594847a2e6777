/// The members of a /batch body, declared once for decoding and for the 422's known fields.
enum BatchField: String, CaseIterable, Sendable {
    case jobs

    static let known = allCases.map(\.rawValue)
}

/// A /batch body: `{"jobs": [...]}`. Each job is decoded on its own: a job whose JSON has
/// the wrong shape becomes a failed job, and the other jobs are still scored.
struct BatchRequest: Decodable {
    /// Each job decoded, or the problem that stopped its decoding (with the job's id if readable).
    var jobs: [(outcome: Result<ScoringRequest, Problem>, id: String?)]?
    var unknownFields = UnknownFields()

    init(from decoder: any Decoder) throws {
        let object = try decoder.object()
        for key in object.allKeys {
            switch BatchField(rawValue: key.stringValue) {
            case .jobs?:
                jobs = try object.decodeIfPresent([DecodedJob].self, forKey: key)?.map { ($0.outcome, $0.id) }
            case nil:
                unknownFields.record(key.stringValue)
            }
        }
    }
}

/// Never throws, so the jobs array goes on to the next job after a bad one.
private struct DecodedJob: Decodable {
    let outcome: Result<ScoringRequest, Problem>
    /// The job's id when the job itself could not be decoded, so its result can still be matched.
    private(set) var id: String?

    init(from decoder: any Decoder) {
        let object: KeyedDecodingContainer<FieldKey>
        do {
            object = try decoder.object()
        } catch {
            outcome = .failure(DecodingProblem.problem(for: error))
            return
        }
        do {
            outcome = .success(try ScoringRequest(object, context: .batchJob))
        } catch {
            var failure = error
            do {
                id = try object.decodeStringIfPresent(forKey: FieldKey(stringValue: ScoringField.id.rawValue))
            } catch let unreadable as UnreadableString {
                failure = unreadable  // named first: without its id the result cannot be matched
            } catch {}  // an id of the wrong type: the job's own problem says so if it got there first
            outcome = .failure(DecodingProblem.problem(for: failure))
        }
    }
}
