import Foundation
import TestSupport
import Testing

/// Every ignore_index vector (PyTorch's cross_entropy, scripts/vectors/ignore_index.py) through
/// the real server in one /batch request, each body as the script wrote it: the loss, sum and
/// per-sample losses to 1e-12 relative, null where a sample is ignored, and the counts.
@Suite struct IgnoreIndexOverHTTPTests {
    @Test func pytorchIgnoreIndexOverHTTP() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../CrossEntropyTests/Vectors/ignore_index.json")
        let cases = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: url))["cases"]?.array ?? []
        #expect(cases.count >= 10)
        let jobs = cases.map { vector -> String in
            let head = "{\"id\":\"\(vector["name"]?.string ?? "")\",\"loss\":\"cce\""
            guard case .object(let members)? = vector["request"] else { return head + "}" }
            return head + members.keys.sorted().map { ",\"\($0)\":\(members[$0]!.jsonText)" }.joined() + "}"
        }
        let answer = try httpRequest(
            port: ServiceProcess.shared.port, "POST", "/batch", json: "{\"jobs\":[\(jobs.joined(separator: ","))]}")
        #expect(answer.status == 200)
        let results = answer.json["results"]?.array ?? []
        #expect(results.count == cases.count)
        func close(_ a: Double?, _ e: Double?) -> Bool { isClose(a, e, relative: 1e-12, absolute: 0) }
        for (vector, result) in zip(cases, results) {
            let name = vector["name"]?.string ?? "?"
            #expect(result["status"]?.int == 200, "\(name): \(result)")
            let actual = result["result"]
            let expected = vector["expected"]
            for field in ["loss", "sum", "denominator"] {
                #expect(close(actual?[field]?.double, expected?[field]?.double), "\(name) \(field)")
            }
            #expect(actual?["n"] == expected?["n"], "\(name)")
            #expect(actual?["ignored"] == expected?["ignored"], "\(name)")
            let losses = actual?["losses"]?.array ?? []
            let expectedLosses = expected?["losses"]?.array ?? []
            #expect(losses.count == expectedLosses.count, "\(name)")
            for (i, (a, e)) in zip(losses, expectedLosses).enumerated() {
                let matches = e == .null ? a == .null : close(a.double, e.double)
                #expect(matches, "\(name) losses[\(i)]: \(a) vs \(e)")
            }
        }
    }
}
