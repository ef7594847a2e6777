import Foundation
import HTTPTransport
import TestSupport
import Testing

@testable import ScoringServer

/// Random bodies for /cce, /bce, /batch and /compare that combine the options and the data
/// forms (rows, flat, tensors; weights absent, 0, mixed or off by one in count; ignore_index;
/// per_class; labels out of range or of the other form): each is answered 200 or a 4xx with a
/// pointer, never a trap. The combinations are what byte fuzzing rarely reaches
/// (`LinesPropertyTests` says why).
@Suite struct JSONRoutesPropertyTests {
    private struct Generator: RandomChoosing {
        var random: SplitMix

        mutating func number() -> String { pick(["0", "1", "0.5", "2.5", "-1", "1e308", "1e-320", "-100", "3"]) }

        mutating func row(_ columns: Int) -> [String] {
            if chance(5) { return (0..<columns).map { _ in number() } }
            var row = (0..<columns).map { _ in Double(1 + below(9)) }
            let total = row.reduce(0, +)
            row = row.map { $0 / total }
            return row.map { "\($0)" }
        }

        mutating func list(_ values: [String]) -> String { "[" + values.joined(separator: ",") + "]" }

        /// Predictions as rows, a tensor, or (BCE) a flat list.
        mutating func predictions(rows: Int, columns: Int, binary: Bool) -> String {
            let data = (0..<rows).map { _ in row(columns) }
            switch below(binary && columns == 1 ? 3 : 2) {
            case 0: return list(data.map { list($0) })
            case 1:
                let shape = chance(90) ? "[\(rows),\(columns)]" : "[\(rows),\(columns + 1)]"
                return "{\"shape\":\(shape),\"data\":" + list(data.flatMap { $0 }) + "}"
            default: return list(data.map { $0[0] })
            }
        }

        mutating func labels(rows: Int, columns: Int, binary: Bool) -> String {
            if binary || chance(25) {
                return list((0..<rows).map { _ in list((0..<columns).map { _ in pick(["0", "1", "0.5"]) }) })
            }
            return list(
                (0..<rows).map { _ in
                    chance(5) ? pick(["\(columns)", "-1", "1.5", "-100"]) : "\(below(columns))"
                })
        }

        mutating func weights(_ count: Int) -> String {
            let count = chance(85) ? count : max(0, count + below(3) - 1)
            switch below(4) {
            case 0: return list(Array(repeating: "0", count: count))
            case 1: return list((0..<count).map { _ in pick(["0", "1", "2.5"]) })
            case 2: return list((0..<count).map { _ in chance(90) ? pick(["0", "1", "2.5"]) : number() })
            default: return list(Array(repeating: "1", count: count))
            }
        }

        /// The members of one scoring request (a body, a batch job).
        mutating func scoring(binary: Bool) -> [String] {
            let classes = binary ? 1 + below(3) : 2 + below(2)
            let rows = chance(3) ? 0 : 1 + below(4)
            var members = [
                "\"predictions\":" + predictions(rows: rows, columns: classes, binary: binary),
                "\"labels\":" + labels(rows: rows, columns: classes, binary: binary),
            ]
            members += options(rows: rows, classes: classes, binary: binary)
            return members
        }

        mutating func options(rows: Int, classes: Int, binary: Bool) -> [String] {
            var members: [String] = []
            if chance(40) { members.append("\"sample_weights\":" + weights(rows)) }
            if chance(30) {
                members.append("\"convention\":" + pick(["\"document\"", "\"sklearn\"", "\"keras\"", "\"pytorch\""]))
            }
            if chance(20) { members.append("\"ignore_index\":" + pick(["-100", "0", "1", "2.5"])) }
            if chance(20) {
                let count = chance(85) ? classes : classes + 1
                members.append((binary ? "\"pos_weight\":" : "\"class_weights\":") + weights(count))
            }
            if chance(15) { members.append("\"label_smoothing\":" + pick(["0", "0.1", "1", "-0.1"])) }
            if chance(15) { members.append("\"input\":" + pick(["\"logits\"", "\"probabilities\""])) }
            if chance(15) { members.append("\"base\":" + pick(["2", "10", "\"e\"", "3"])) }
            if chance(15) { members.append("\"epsilon\":" + pick(["1e-7", "0", "0.5"])) }
            if chance(20) { members.append("\"per_class\":" + pick(["true", "false"])) }
            if chance(20) { members.append("\"per_sample\":" + pick(["true", "false"])) }
            if chance(10) { members.append("\"confidence\":" + pick(["0.9", "0.5", "1", "0.999"])) }
            if chance(3) { members.append("\"weights\":1") }
            return members
        }

        mutating func body(_ path: String) -> String {
            switch path {
            case "/cce": return "{" + scoring(binary: false).joined(separator: ",") + "}"
            case "/bce": return "{" + scoring(binary: true).joined(separator: ",") + "}"
            case "/batch":
                let jobs = (0..<(1 + below(4))).map { index in
                    let binary = chance(50)
                    var members = scoring(binary: binary) + ["\"loss\":" + (binary ? "\"bce\"" : "\"cce\"")]
                    if chance(50) { members.append("\"id\":\"job\(index)\"") }
                    return "{" + members.joined(separator: ",") + "}"
                }
                return "{\"jobs\":" + list(jobs) + "}"
            default:
                let binary = chance(50)
                let classes = binary ? 1 + below(3) : 2 + below(2)
                let rows = 1 + below(4)
                var members = [
                    "\"loss\":" + (binary ? "\"bce\"" : "\"cce\""),
                    "\"baseline\":" + list((0..<rows).map { _ in list(row(classes)) }),
                    "\"candidate\":" + list((0..<(chance(90) ? rows : rows + 1)).map { _ in list(row(classes)) }),
                    "\"labels\":" + labels(rows: rows, columns: classes, binary: binary),
                ]
                members += options(rows: rows, classes: classes, binary: binary)
                return "{" + members.joined(separator: ",") + "}"
            }
        }
    }

    @Test func randomBodiesAreAnsweredWithAPointerOrAScore() {
        var generator = Generator(random: SplitMix(state: 2026_12_04_2))
        let harness = RouterHarness()
        var statuses: [Int: Int] = [:]
        for _ in 0..<(Int(ProcessInfo.processInfo.environment["PROPERTY_ROUNDS"] ?? "") ?? 3000) {
            let path = generator.pick(["/cce", "/bce", "/batch", "/compare"])
            let body = generator.body(path)
            let answer = harness.post(path, body)
            statuses[answer.status, default: 0] += 1
            #expect([200, 400, 413, 422].contains(answer.status), "\(answer.status) \(path) \(body)")
            if answer.status != 200 {
                #expect(!answer.json.problemPointers.isEmpty, "\(path) \(body)")
            }
        }
        #expect(statuses[200, default: 0] > 500, "\(statuses)")
        #expect(statuses[422, default: 0] > 500, "\(statuses)")
    }
}
