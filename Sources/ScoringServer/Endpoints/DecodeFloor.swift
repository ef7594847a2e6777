import HTTPTransport

/// The scoring endpoints' decode step alone, for the benchmark floor (`bench/floor.sh`): a
/// /cce or /bce body goes through the same entry `ScoreEndpoint` uses (`JSONBody`: the same
/// JSONDecoder set-up, Decodable types and duplicate-member check), and a fixed body answers
/// it. Whatever the service spends beyond this floor (validation, scoring, writing the answer,
/// metrics, the access log) is its own cost. The service itself never routes here.
public enum DecodeFloor {
    /// The fixed answer to a body that decodes.
    public static let answer: [UInt8] = Array(#"{"decoded":true}"#.utf8)

    /// Decodes `body` as a /cce or /bce body and answers `answer`, or the decoding problem.
    public static func respond(_ body: UnsafeRawBufferPointer) -> HTTPResponse {
        do {
            _ = try JSONBody.decode(ScoringBody.self, from: body)
            return .json(answer)
        } catch {
            return .problem(error)
        }
    }
}
