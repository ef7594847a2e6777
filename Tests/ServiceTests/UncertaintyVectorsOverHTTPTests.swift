import Foundation
import TestSupport
import Testing

/// The uncertainty vectors (scipy's sem and t.interval, the numpy transcription of the weighted
/// form) through the real server in one /batch request, to 1e-12 relative.
@Suite struct UncertaintyVectorsOverHTTPTests {
    @Test func everyCaseMatchesOverHTTP() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../CrossEntropyTests/Vectors/uncertainty.json")
        let file = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: url))
        let cases = file["cases"]?.array ?? []
        #expect(cases.count >= 12)
        let jobs = cases.enumerated().map { index, vector -> String in
            guard case .object(let members)? = vector["body"] else { return "{}" }
            let fields = members.keys.sorted().map { "\"\($0)\":\(members[$0]!.jsonText)" }
            return "{\"id\":\"\(index)\",\"loss\":\"\(vector["loss"]?.string ?? "")\",\"per_sample\":false,"
                + fields.joined(separator: ",") + "}"
        }
        let answer = try httpRequest(
            port: ServiceProcess.shared.port, "POST", "/batch", json: "{\"jobs\":[\(jobs.joined(separator: ","))]}")
        #expect(answer.status == 200)
        let results = answer.json["results"]?.array ?? []
        #expect(results.count == cases.count)
        for (vector, entry) in zip(cases, results) {
            let name = vector["name"]?.string ?? "?"
            #expect(entry["status"]?.int == 200, "\(name): \(entry)")
            let result = entry["result"]
            let expected = vector["expected"]
            let loss = expected?["loss"]?.double ?? .nan
            // An absolute term where the standard error is near 0 beside the loss.
            func close(_ actual: Double?, _ reference: Double?) -> Bool {
                isClose(actual, reference, relative: 1e-12, absolute: 1e-14 * abs(loss))
            }
            #expect(close(result?["loss"]?.double, loss), "\(name) loss")
            #expect(close(result?["standard_error"]?.double, expected?["standard_error"]?.double), "\(name) SE")
            let interval = result?["interval"]?.doubles ?? []
            let reference = expected?["interval"]?.doubles ?? []
            #expect(interval.count == 2 && reference.count == 2, "\(name) interval")
            for (a, b) in zip(interval, reference) { #expect(close(a, b), "\(name) interval \(a) vs \(b)") }
            if let denominator = expected?["denominator"]?.double {
                #expect(close(result?["denominator"]?.double, denominator), "\(name) denominator")
                // Parts merge as Σ sum / Σ denominator: here, one part.
                let sum = result?["sum"]?.double ?? .nan
                #expect(close(sum / denominator, loss), "\(name) sum / denominator")
            }
        }
    }
}
