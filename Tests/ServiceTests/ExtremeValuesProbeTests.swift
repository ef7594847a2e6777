import Foundation
import TestSupport
import Testing

/// The random probe of issue 10, as a property test over the real binary: every numeric field
/// at float64's corners (0, 5e-324, 1e±300, ±1e308, ±1.7976931348623157e308) in every option
/// (sample, class and positive weights, smoothing, epsilon, base, convention, logits), every
/// size field disagreeing with the body, in nested, flat and base64 tensor forms, alone and
/// inside /batch. Cases and answers come from `scripts/vectors/extremes.py` (exact rational
/// arithmetic with Python's `fractions`; regenerate with it).
///
/// Each answer must be the expected status (200, or a 4xx problem+json naming the field), the
/// server must still answer /healthz afterwards, and a 200's numbers must equal the exact
/// reference to 1e-12 relative: both sides take the same C-library logs, so what differs is
/// the service's float64 products and compensated sums (a few roundings of 1.1e-16 each), four
/// orders of magnitude below the tolerance, while a weight rounded away or a total overflowed
/// is an error of order 1. Values below 2^-1022 have fewer than 53 significant bits, so they
/// are compared to within 2^-1022 instead.
@Suite struct ExtremeValuesProbeTests {
    static let absolute = 0x1p-1022

    struct Case {
        let name: String
        let path: String
        let body: String
        let expected: JSONValue
    }

    static func cases() throws -> [Case] {
        // EXTREMES_VECTORS: a file written by the script with another --seed.
        let url =
            ProcessInfo.processInfo.environment["EXTREMES_VECTORS"].map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../CrossEntropyTests/Vectors/extremes.json")
        let file = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: url))
        return (file["cases"]?.array ?? []).map {
            Case(
                name: $0["name"]?.string ?? "?",
                path: $0["path"]?.string ?? "?",
                body: $0["body"]?.string ?? "",
                expected: $0["expected"] ?? .null
            )
        }
    }

    @Test func everyCornerGetsTheExactAnswerOrA4xxNamingTheField() throws {
        let cases = try Self.cases()
        #expect(cases.count >= 400)
        let service = try ServiceProcess(arguments: ["--host", "127.0.0.1", "--port", "0"])
        defer { service.stop() }
        for probe in cases {
            let answer = try httpRequest(port: service.port, "POST", probe.path, json: probe.body)
            let problems = Self.check(
                probe, status: answer.status, contentType: answer.header("Content-Type"), json: answer.json, prefix: "")
            #expect(problems.isEmpty, "\(problems) for \(probe.body.prefix(600))")
        }
        #expect(try httpRequest(port: service.port, "GET", "/healthz").status == 200)
        #expect(service.isRunning)
    }

    @Test func everyCornerInsideBatchFailsAlone() throws {
        // Size cases are left out: their bodies are large; the jobs of one batch share a limit.
        let cases = try Self.cases().filter { $0.body.utf8.count < 4096 }
        let service = try ServiceProcess(arguments: ["--host", "127.0.0.1", "--port", "0"])
        defer { service.stop() }
        for start in stride(from: 0, to: cases.count, by: 8) {
            let group = Array(cases[start..<min(start + 8, cases.count)])
            let jobs = group.map { probe in
                "{\"id\":\"\(probe.name)\",\"loss\":\"\(probe.path.dropFirst())\"," + probe.body.dropFirst()
            }
            let answer = try httpRequest(
                port: service.port, "POST", "/batch", json: "{\"jobs\":[\(jobs.joined(separator: ","))]}")
            #expect(answer.status == 200, "\(answer.text.prefix(600))")
            let results = answer.json["results"]?.array ?? []
            #expect(results.count == group.count)
            for (index, (probe, result)) in zip(group, results).enumerated() {
                let status = result["status"]?.int ?? 0
                let json = status == 200 ? result["result"] ?? .null : result["error"] ?? .null
                let problems = Self.check(
                    probe, status: status, contentType: nil, json: json, prefix: "/jobs/\(index)")
                #expect(problems.isEmpty, "\(problems) for \(probe.body.prefix(600))")
            }
        }
        #expect(try httpRequest(port: service.port, "GET", "/healthz").status == 200)
        #expect(service.isRunning)
    }

    /// What is wrong with one answer; empty when it is right.
    static func check(_ probe: Case, status: Int, contentType: String?, json: JSONValue, prefix: String) -> [String] {
        let expected = probe.expected
        let statuses = expected["status"]?.array?.compactMap(\.int) ?? []
        guard statuses.contains(status) else {
            return ["\(probe.name): status \(status), expected \(statuses): \(json.jsonText.prefix(400))"]
        }
        if status != 200 {
            var problems: [String] = []
            if let contentType, contentType != "application/problem+json" {
                problems.append("\(probe.name): \(contentType)")
            }
            let pointers = json.problemPointers
            for pointer in expected["pointers"]?.strings ?? [] where !pointers.contains(prefix + pointer) {
                problems.append("\(probe.name): pointers \(pointers), expected \(prefix + pointer)")
            }
            if let start = expected["prefix"]?.string, !pointers.contains(where: { $0.hasPrefix(prefix + start) }) {
                problems.append("\(probe.name): pointers \(pointers), expected one under \(prefix + start)")
            }
            return problems
        }
        guard let values = expected["values"] else { return [] }
        var problems = vectorMismatches(probe.name, expected: values, actual: json, absolute: absolute)
        // vectorMismatches compares loss, sum and losses; BCE answers carry two more.
        if let expectedMean = values["mean_per_element"]?.double,
            !isClose(json["mean_per_element"]?.double, expectedMean)
        {
            problems.append("\(probe.name) mean_per_element: \(String(describing: json["mean_per_element"]))")
        }
        if let expectedClassLosses = values["class_losses"]?.doubles {
            let classLosses = json["class_losses"]?.doubles ?? []
            if classLosses.count != expectedClassLosses.count
                || zip(classLosses, expectedClassLosses).contains(where: { !isClose($0, $1) })
            {
                problems.append("\(probe.name) class_losses: \(classLosses) vs \(expectedClassLosses)")
            }
        }
        return problems
    }

    static func isClose(_ actual: Double?, _ expected: Double) -> Bool {
        TestSupport.isClose(actual, expected, relative: 1e-12, absolute: absolute)
    }
}
