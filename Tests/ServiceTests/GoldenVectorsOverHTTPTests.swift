import Foundation
import TestSupport
import Testing

/// Every golden vector (scikit-learn, PyTorch and Keras conventions) through the real server
/// in one /batch request, each body as the script wrote it: the convention's defaults (base,
/// input, clipping, reduction) are the server's, and the numbers match the library's to
/// 1e-12 relative.
@Suite struct GoldenVectorsOverHTTPTests {
    @Test func allConventionsMatchTheirLibraryOverHTTP() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../CrossEntropyTests/Vectors/golden.json")
        let cases = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: url))["cases"]?.array ?? []
        #expect(cases.count >= 100)

        let jobs = cases.map { vector -> String in
            let head = "{\"id\":\"\(vector["name"]?.string ?? "")\",\"loss\":\"\(vector["loss"]?.string ?? "")\""
            guard case .object(let members)? = vector["request"] else { return head + "}" }
            return head + members.keys.sorted().map { ",\"\($0)\":\(members[$0]!.jsonText)" }.joined() + "}"
        }
        let answer = try httpRequest(
            port: ServiceProcess.shared.port, "POST", "/batch", json: "{\"jobs\":[\(jobs.joined(separator: ","))]}")
        #expect(answer.status == 200)
        let results = answer.json["results"]?.array ?? []
        #expect(results.count == cases.count)
        for (vector, result) in zip(cases, results) {
            let name = vector["name"]?.string ?? "?"
            #expect(result["status"]?.int == 200, "\(name): \(result)")
            let actual = result["result"]
            #expect(actual?["settings"]?["convention"] == vector["request"]?["convention"], "\(name)")
            // Keras renormalises probability rows; one rounding of a row's sum may differ.
            let request = vector["request"]
            let renormalised =
                request?["convention"]?.string == "keras" && vector["loss"]?.string == "cce"
                && request?["input"]?.string != "logits"
            let mismatches = vectorMismatches(
                name, expected: vector["expected"], actual: actual, absolute: renormalised ? 4.5e-16 : 0)
            #expect(mismatches.isEmpty, "\(mismatches)")
        }
    }
}
