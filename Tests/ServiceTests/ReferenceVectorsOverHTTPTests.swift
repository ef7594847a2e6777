import Foundation
import TestSupport
import Testing

/// Every reference vector through the real server in one /batch request: the numbers
/// survive JSON in and out, to 1e-12 relative of scikit-learn and scipy.
@Suite struct ReferenceVectorsOverHTTPTests {
    @Test func allVectorsMatchOverHTTP() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../CrossEntropyTests/Vectors/reference.json")
        let file = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: url))
        let cases = file["cases"]?.array ?? []
        #expect(cases.count >= 40)

        // Re-serialise each case as a job; numbers are written in Swift's round-trip form.
        let jobs = cases.map { vector -> String in
            let base = vector["base"]?.string.map { "\"\($0)\"" } ?? "\(vector["base"]?.int ?? 2)"
            return "{\"id\":\"\(vector["name"]?.string ?? "")\",\"loss\":\"\(vector["loss"]?.string ?? "")\","
                + "\"input\":\"\(vector["input"]?.string ?? "")\",\"base\":\(base),"
                + "\"predictions\":\((vector["predictions"] ?? .null).jsonText),"
                + "\"labels\":\((vector["labels"] ?? .null).jsonText)"
                + options(vector["options"]) + "}"
        }
        let answer = try httpRequest(
            port: ServiceProcess.shared.port, "POST", "/batch", json: "{\"jobs\":[\(jobs.joined(separator: ","))]}")
        #expect(answer.status == 200)
        let results = answer.json["results"]?.array ?? []
        #expect(results.count == cases.count)
        for (vector, result) in zip(cases, results) {
            let name = vector["name"]?.string ?? "?"
            #expect(result["status"]?.int == 200, "\(name): \(result)")
            // Per-sample values of a clipped perfect prediction are ~1e-16: compared absolutely.
            let mismatches = vectorMismatches(
                name, expected: vector["expected"], actual: result["result"], absolute: 1e-15)
            #expect(mismatches.isEmpty, "\(mismatches)")
        }
    }

    /// `,"sample_weights":[…],…` for the options a vector sets.
    private func options(_ value: JSONValue?) -> String {
        guard case .object(let members)? = value else { return "" }
        return members.keys.sorted().map { ",\"\($0)\":\(members[$0]!.jsonText)" }.joined()
    }
}
