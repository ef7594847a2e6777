import Foundation
import HTTPTransport
import TestSupport
import Testing

@testable import ScoringServer

/// Random streams of every kind of line, valid and not, mixed: each is answered (200 or a 4xx
/// naming a line or a query option), never a trap, and gives back all it charged. Byte fuzzing
/// did not reach the mistakes that hide in combinations (zero weights of the wrong count on a
/// block line trapped); this generator makes such combinations on purpose.
@Suite struct LinesPropertyTests {
    private struct Generator: RandomChoosing {
        var random: SplitMix

        mutating func number() -> String {
            pick(["0", "1", "0.5", "0.25", "2.5", "-1", "1e308", "1e-320", "0.0", "3"])
        }

        mutating func probabilities(_ columns: Int) -> [String] {
            if chance(4) { return (0..<columns).map { _ in number() } }
            var row = (0..<columns).map { _ in Double(1 + below(9)) }
            let total = row.reduce(0, +)
            row = row.map { $0 / total }
            return row.map { "\($0)" }
        }

        mutating func weights(_ count: Int) -> String {
            let values: [String]
            switch below(4) {
            case 0: values = Array(repeating: "0", count: count)
            case 1: values = (0..<count).map { _ in pick(["0", "1", "2.5"]) }
            case 2: values = (0..<count).map { _ in chance(90) ? pick(["0", "1", "2.5"]) : number() }
            default: values = Array(repeating: "1", count: count)
            }
            return "[" + values.joined(separator: ",") + "]"
        }

        /// One line: a sample, a block of rows, or a tensor block; sometimes off in a count,
        /// a class count, a label form or a member name.
        mutating func line(binary: Bool, classes: Int) -> String {
            let columns = chance(2) ? classes + 1 : classes
            let label = { (g: inout Generator) -> String in
                if binary || g.chance(3) {
                    return "[" + (0..<columns).map { _ in g.pick(["0", "1", "0.5"]) }.joined(separator: ",") + "]"
                }
                if g.chance(6) { return g.pick(["\(columns)", "-1", "1.5", "-100"]) }
                return "\(g.below(columns))"
            }
            let extra = chance(2) ? ",\"weights\":1" : ""
            switch below(3) {
            case 0:
                var line = "{\"prediction\":[" + probabilities(columns).joined(separator: ",") + "],\"label\":"
                line += label(&self)
                if chance(50) { line += ",\"weight\":" + (chance(40) ? "0" : number()) }
                return line + extra + "}"
            case 1:
                let rows = below(4)
                let predictions = (0..<rows).map { _ in "[" + probabilities(columns).joined(separator: ",") + "]" }
                let labels = (0..<rows).map { _ in label(&self) }
                var line = "{\"predictions\":[" + predictions.joined(separator: ",") + "],\"labels\":["
                line += labels.joined(separator: ",") + "]"
                if chance(60) {
                    line += ",\"sample_weights\":" + weights(chance(85) ? rows : max(0, rows + below(3) - 1))
                }
                return line + extra + "}"
            default:
                let rows = 1 + below(3)
                let data = (0..<rows).flatMap { _ in probabilities(columns) }
                var line = "{\"predictions\":{\"shape\":[\(rows),\(columns)],\"data\":[" + data.joined(separator: ",")
                line += "]},\"labels\":"
                if binary {
                    let targets = (0..<rows * columns).map { _ in pick(["0", "1"]) }
                    line += "{\"shape\":[\(rows),\(columns)],\"data\":[" + targets.joined(separator: ",") + "]}"
                } else {
                    line += "[" + (0..<rows).map { _ in "\(below(columns))" }.joined(separator: ",") + "]"
                }
                if chance(60) {
                    line += ",\"sample_weights\":" + weights(chance(85) ? rows : max(0, rows + below(3) - 1))
                }
                return line + extra + "}"
            }
        }

        mutating func query(binary: Bool, classes: Int) -> String? {
            var options: [String] = []
            if chance(30) { options.append("convention=" + pick(["document", "sklearn", "keras", "pytorch"])) }
            if chance(20) { options.append("label_smoothing=" + pick(["0.1", "0", "0.5"])) }
            if chance(20) {
                let count = chance(80) ? classes : classes + 1
                let values = (0..<count).map { _ in pick(["1", "0.5", "2", "0"]) }.joined(separator: ",")
                options.append((binary ? "pos_weight=" : "class_weights=") + values)
            }
            if chance(15) { options.append("per_sample=true") }
            if chance(10) { options.append("input=logits") }
            return options.isEmpty ? nil : options.joined(separator: "&")
        }
    }

    @Test func randomStreamsAreAnsweredAndGiveBackTheirCharge() throws {
        var generator = Generator(random: SplitMix(state: 2026_12_04))
        var statuses: [Int: Int] = [:]
        var controls: [TestStreamControl] = []
        for _ in 0..<(Int(ProcessInfo.processInfo.environment["PROPERTY_ROUNDS"] ?? "") ?? 1500) {
            let binary = generator.chance(50)
            let path = binary ? "/bce/lines" : "/cce/lines"
            let classes = 2 + generator.below(2)
            let lines = (0..<(1 + generator.below(10))).map { _ in generator.line(binary: binary, classes: classes) }
            let body = Array(lines.joined(separator: generator.chance(50) ? "\n" : "\r\n").utf8)
            let query = generator.query(binary: binary, classes: classes)
            let endpoint = try #require(
                LinesEndpoint(path: path, lineLimits: LinesStreamTests.lineLimits, metrics: nil))
            let head = RequestHead(method: "POST", path: path, contentType: "application/x-ndjson", contentLength: nil)
            let stream: any BodyStream
            switch endpoint.admit(head, query: query) {
            case .failure(let problem):
                #expect([400, 422].contains(problem.status), "\(query ?? "")")
                continue
            case .success(let admitted): stream = admitted
            }
            let control = TestStreamControl(budget: 1 << 20)
            controls.append(control)
            let chunks = [1 + generator.below(300), 1 + generator.below(5000)]
            let response = try #require(drive(stream, body, chunks: chunks, control: control), "stalled")
            let sent = "\(path)?\(query ?? "")\n\(lines.joined(separator: "\n"))"
            statuses[response.status, default: 0] += 1
            #expect([200, 400, 413, 422].contains(response.status), "\(response.status): \(sent)")
            #expect(control.chargedNow == 0, "\(sent)")
            let answer = JSONValue.parse(response.body)
            if response.status == 200 {
                #expect(answer["loss"]?.double?.isFinite == true, "\(sent)")
            } else {
                let pointers = answer.problemPointers
                #expect(!pointers.isEmpty, "\(sent)")
                for pointer in pointers {
                    let atOption = LineOptions.names.contains { pointer.hasPrefix("/" + $0.rawValue) }
                    #expect(pointer.hasPrefix("/lines") || atOption, "\(pointer): \(sent)")
                }
            }
        }
        // Each stream answered once (a late merge pass once answered a stream a second time).
        Thread.sleep(forTimeInterval: 0.2)
        #expect(controls.allSatisfy { $0.answerCount == 1 }, "\(controls.map(\.answerCount).filter { $0 != 1 })")
        // The generator reaches both outcomes often (else it tests nothing).
        #expect(statuses[200, default: 0] > 200, "\(statuses)")
        #expect(statuses[422, default: 0] > 200, "\(statuses)")
    }
}
