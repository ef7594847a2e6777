import Foundation
import TestSupport
import Testing

/// The comparison vectors (scipy's ttest_rel and t.ppf, the numpy transcription of the weighted
/// form) through the real server, one POST /compare each: differences to 1e-12 relative,
/// p-values to 1e-9 relative or 1e-300 absolute, and the verdict.
@Suite struct CompareVectorsOverHTTPTests {
    @Test func everyCaseMatchesOverHTTP() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../CrossEntropyTests/Vectors/compare.json")
        let file = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: url))
        let cases = file["cases"]?.array ?? []
        #expect(cases.count >= 19)
        for vector in cases {
            let name = vector["name"]?.string ?? "?"
            let body = try #require(vector["body"]?.jsonText)
            let answer = try httpRequest(port: ServiceProcess.shared.port, "POST", "/compare", json: body)
            #expect(answer.status == 200, "\(name): \(answer.text.prefix(300))")
            let difference = answer.json["difference"]
            let expected = vector["expected"]
            let spread = expected?["standard_error"]?.double ?? 0
            // An absolute term where the mean is near 0 beside its spread.
            func close(_ actual: Double?, _ reference: Double?) -> Bool {
                isClose(actual, reference, relative: 1e-12, absolute: 1e-13 * spread)
            }
            #expect(close(difference?["mean"]?.double, expected?["mean"]?.double), "\(name) mean")
            #expect(close(difference?["standard_error"]?.double, spread), "\(name) SE")
            let interval = difference?["interval"]?.doubles ?? []
            let reference = expected?["interval"]?.doubles ?? []
            #expect(interval.count == 2 && reference.count == 2, "\(name) interval")
            for (a, b) in zip(interval, reference) { #expect(close(a, b), "\(name) interval \(a) vs \(b)") }
            let p = difference?["p_value"]?.double ?? .nan
            let pReference = expected?["p_value"]?.double ?? .nan
            #expect(abs(p - pReference) <= max(1e-9 * pReference, 1e-300), "\(name) p \(p) vs \(pReference)")
            #expect(answer.json["verdict"]?.string == expected?["verdict"]?.string, "\(name) verdict")
            // Each model's answer is whole: its loss, standard error and interval.
            for model in ["baseline", "candidate"] {
                #expect(answer.json[model]?["standard_error"]?.double != nil, "\(name) \(model)")
                #expect(answer.json[model]?["interval"]?.doubles?.count == 2, "\(name) \(model)")
            }
        }
    }
}
