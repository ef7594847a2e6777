import Dispatch
import Foundation
import HTTPTransport
import TestSupport
import Testing

@testable import ScoringServer

/// A `StreamControl` for tests: a memory budget of its own, resumes counted as signals.
final class TestStreamControl: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var charged: UInt64 = 0
    /// The most charged at once.
    private(set) var peak: UInt64 = 0
    private(set) var refusals = 0
    let budget: UInt64
    let resumed = DispatchSemaphore(value: 0)

    init(budget: UInt64 = .max) { self.budget = budget }

    var control: StreamControl {
        StreamControl(
            resume: { self.resumed.signal() },
            charge: { bytes, _ in
                self.lock.lock()
                defer { self.lock.unlock() }
                guard self.charged + bytes <= self.budget else {
                    self.refusals += 1
                    return false
                }
                self.charged += bytes
                self.peak = max(self.peak, self.charged)
                return true
            },
            release: { bytes in
                self.lock.lock()
                self.charged -= bytes
                self.lock.unlock()
            })
    }

    var chargedNow: UInt64 {
        lock.lock()
        defer { lock.unlock() }
        return charged
    }

    var peakCharge: UInt64 {
        lock.lock()
        defer { lock.unlock() }
        return peak
    }

    private var answers = 0

    /// Counts an answer delivered to the stream's `finish` callback; the count so far.
    func recordAnswer() -> Int {
        lock.lock()
        defer { lock.unlock() }
        answers += 1
        return answers
    }

    /// Answers delivered (a stream must answer exactly once).
    var answerCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return answers
    }
}

/// Drives a `BodyStream` as the transport would: chunks of the given sizes (cycled), waiting for
/// `resume` whenever fewer bytes are taken than offered. Nil when it stalls for 60 s.
func drive(_ stream: any BodyStream, _ bytes: [UInt8], chunks: [Int], control: TestStreamControl) -> HTTPResponse? {
    var offset = 0
    var k = 0
    while offset < bytes.count {
        let size = min(chunks[k % chunks.count], bytes.count - offset)
        k += 1
        let end = offset + size
        while offset < end {
            let took = bytes.withUnsafeBytes {
                stream.take(UnsafeRawBufferPointer(rebasing: $0[offset..<end]), control: control.control)
            }
            if took == 0 {
                guard control.resumed.wait(timeout: .now() + 60) == .success else { return nil }
            }
            offset += took
        }
    }
    let answered = DispatchSemaphore(value: 0)
    nonisolated(unsafe) var response: HTTPResponse?
    stream.finish(control: control.control) { answer in
        // Only the first answer is kept: a second one (a defect the tests look for) must not
        // race with the read below.
        if control.recordAnswer() == 1 {
            response = answer
            answered.signal()
        }
    }
    guard answered.wait(timeout: .now() + 60) == .success else { return nil }
    return response
}

/// A deterministic generator (SplitMix64).
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Streamed answers against the JSON path's for the same samples.
@Suite struct LinesStreamTests {
    /// Small batches and window, so batches finish out of order and the budget refuses some; a
    /// short wait for the budget, so that a batch it never takes is answered 503 soon.
    static let lineLimits = LineLimits(
        batchBytes: 4096, batchesInFlight: 3, memoryPerBatchByte: 26, budgetWaitMilliseconds: 300)

    struct Samples {
        var predictions: [[Double]] = []
        var indices: [Int] = []
        var rows: [[Double]] = []
        var weights: [Double]?

        init(n: Int, classes: Int, seed: UInt64, weighted: Bool, logits: Bool = false, binary: Bool = false) {
            var random = SplitMix(state: seed)
            if weighted { weights = [] }
            for _ in 0..<n {
                var row = (0..<classes).map { _ in Double.random(in: 0.01...1, using: &random) }
                if logits {
                    row = row.map { ($0 - 0.5) * 8 }
                } else if !binary {
                    let total = row.reduce(0, +)
                    row = row.map { $0 / total }
                }
                predictions.append(row)
                let label = Int.random(in: 0..<classes, using: &random)
                indices.append(label)
                rows.append((0..<classes).map { _ in Double(Int.random(in: 0...1, using: &random)) })
                weights?.append(Double(Int.random(in: 0...8, using: &random)) / 4)  // some 0
            }
        }
    }

    private static func text(_ row: [Double]) -> String { "[" + row.map { "\($0)" }.joined(separator: ",") + "]" }

    private static func sampleLines(_ s: Samples, binary: Bool) -> String {
        var out = ""
        for i in s.predictions.indices {
            out += "{\"prediction\":\(text(s.predictions[i])),\"label\":"
            out += binary ? text(s.rows[i]) : "\(s.indices[i])"
            if let w = s.weights { out += ",\"weight\":\(w[i])" }
            out += i % 3 == 0 ? "}\r\n" : "}\n"
        }
        return out
    }

    private static func jsonBody(_ s: Samples, binary: Bool, options: String) -> String {
        var body = "{\"predictions\":[" + s.predictions.map(text).joined(separator: ",") + "],\"labels\":"
        body += binary ? "[" + s.rows.map(text).joined(separator: ",") + "]" : text(s.indices.map(Double.init))
        if let w = s.weights { body += ",\"sample_weights\":" + text(w) }
        return body + (options.isEmpty ? "" : "," + options) + "}"
    }

    private static func stream(_ path: String, query: String?) throws -> any BodyStream {
        let endpoint = try #require(LinesEndpoint(path: path, lineLimits: lineLimits, metrics: nil))
        let head = RequestHead(method: "POST", path: path, contentType: "application/x-ndjson", contentLength: nil)
        return try endpoint.admit(head, query: query).get()
    }

    /// `loss`, `sum`, `denominator`, `n`, `accuracy`, `class_losses` and the rest bit for bit;
    /// `normalized_entropy`, `standard_error` and `interval` to 1e-13 relative.
    static func expectSame(_ streamed: JSONValue, _ json: JSONValue, _ label: String) {
        guard case .object(let a) = streamed, case .object(let b) = json else {
            Issue.record("not objects: \(streamed.jsonText) \(json.jsonText)")
            return
        }
        #expect(Set(a.keys) == Set(b.keys), "\(label): keys")
        for (key, value) in b {
            switch key {
            case "normalized_entropy", "standard_error", "interval":
                let x = a[key]?.doubles ?? a[key]?.double.map { [$0] } ?? []
                let y = value.doubles ?? value.double.map { [$0] } ?? []
                #expect(x.count == y.count, "\(label): \(key)")
                for (u, v) in zip(x, y) {
                    #expect(abs(u - v) <= 1e-13 * abs(v), "\(label): \(key) \(u) vs \(v)")
                }
            default:
                #expect(a[key] == value, "\(label): \(key) \(a[key]?.jsonText ?? "nil") vs \(value.jsonText)")
            }
        }
    }

    private func compare(
        _ path: String, samples: Samples, binary: Bool, query: String, jsonOptions: String, chunkings: [[Int]],
        lines: String? = nil, budget: UInt64 = 3 * 4096 * 26
    ) throws {
        let json = RouterHarness().post(
            String(path.dropLast("/lines".count)),
            Self.jsonBody(
                samples, binary: binary,
                options: jsonOptions + (jsonOptions.isEmpty ? "" : ",") + "\"per_sample\":false"))
        #expect(json.status == 200, "\(String(decoding: json.body, as: UTF8.self).prefix(300))")
        let bytes = Array((lines ?? Self.sampleLines(samples, binary: binary)).utf8)
        for chunks in chunkings {
            let control = TestStreamControl(budget: budget)
            let response = try #require(
                drive(try Self.stream(path, query: query), bytes, chunks: chunks, control: control))
            #expect(response.status == 200, "\(String(decoding: response.body, as: UTF8.self).prefix(300))")
            Self.expectSame(JSONValue.parse(response.body), json.json, "\(path)?\(query) chunks \(chunks.prefix(3))")
            #expect(control.chargedNow == 0)
        }
    }

    static let chunkings: [[Int]] = [[1 << 30], [1, 7, 4096, 13, 32768, 2, 999], [32768]]

    @Test(arguments: [
        ("", ""), ("convention=sklearn", #""convention":"sklearn""#), ("convention=keras", #""convention":"keras""#),
        (
            "base=e&label_smoothing=0.1&class_weights=1,2,0.5,3",
            #""base":"e","label_smoothing":0.1,"class_weights":[1,2,0.5,3]"#
        ),
        ("epsilon=0.001&confidence=0.9", #""epsilon":0.001,"confidence":0.9"#),
    ])
    func categoricalSampleLinesEqualTheJSONPath(query: String, jsonOptions: String) throws {
        let samples = Samples(n: 4500, classes: 4, seed: 7, weighted: true)
        try compare(
            "/cce/lines", samples: samples, binary: false, query: query, jsonOptions: jsonOptions,
            chunkings: Self.chunkings)
    }

    @Test func pytorchLogitsWithClassWeightsUnweighted() throws {
        var samples = Samples(n: 2300, classes: 3, seed: 11, weighted: false, logits: true)
        samples.weights = nil
        try compare(
            "/cce/lines", samples: samples, binary: false, query: "convention=pytorch&class_weights=0.5,1,2",
            jsonOptions: #""convention":"pytorch","class_weights":[0.5,1,2]"#, chunkings: Self.chunkings)
    }

    /// Lines without a weight weigh 1: runs of weighted and unweighted lines inside one batch
    /// (the worker joins only lines that agree) answer as the JSON path with weights of 1 there.
    @Test(arguments: ["/cce/lines", "/bce/lines"]) func weightedAndUnweightedLinesMix(path: String) throws {
        let binary = path == "/bce/lines"
        var samples = Samples(n: 3100, classes: 3, seed: 13, weighted: true, binary: binary)
        var lines = ""
        for i in samples.predictions.indices {
            let weighted = i % 7 < 4
            if !weighted { samples.weights?[i] = 1 }
            lines += "{\"prediction\":\(Self.text(samples.predictions[i])),\"label\":"
            lines += binary ? Self.text(samples.rows[i]) : "\(samples.indices[i])"
            lines += weighted ? ",\"weight\":\(samples.weights?[i] ?? 1)}\n" : "}\n"
        }
        try compare(
            path, samples: samples, binary: binary, query: "", jsonOptions: "", chunkings: Self.chunkings,
            lines: lines)
    }

    @Test func oneByteChunks() throws {
        let samples = Samples(n: 2100, classes: 3, seed: 3, weighted: true)
        try compare("/cce/lines", samples: samples, binary: false, query: "", jsonOptions: "", chunkings: [[1]])
    }

    @Test(arguments: [
        ("", ""), ("convention=keras", #""convention":"keras""#), ("convention=pytorch", #""convention":"pytorch""#),
        ("pos_weight=2,1,0.5", #""pos_weight":[2,1,0.5]"#),
        ("input=logits&label_smoothing=0.2", #""input":"logits","label_smoothing":0.2"#),
    ])
    func binarySampleLinesEqualTheJSONPath(query: String, jsonOptions: String) throws {
        var samples = Samples(n: 4300, classes: 3, seed: 5, weighted: true, binary: true)
        if query.contains("pytorch") { samples.weights = nil }  // PyTorch has no sample weights
        if query.contains("logits") { samples.predictions = samples.predictions.map { $0.map { ($0 - 0.5) * 6 } } }
        try compare(
            "/bce/lines", samples: samples, binary: true, query: query, jsonOptions: jsonOptions,
            chunkings: Self.chunkings)
    }

    @Test func blockLinesBase64AndSampleLinesMix() throws {
        let samples = Samples(n: 3000, classes: 3, seed: 9, weighted: true)
        var lines = ""
        var i = 0
        var block = 0
        while i < samples.predictions.count {
            let size = min([1, 500, 37, 1200][block % 4], samples.predictions.count - i)
            let range = i..<(i + size)
            let weights = samples.weights!
            switch block % 3 {
            case 0:
                for j in range {
                    lines +=
                        "{\"prediction\":\(Self.text(samples.predictions[j])),\"label\":\(samples.indices[j]),\"weight\":\(weights[j])}\n"
                }
            case 1:
                lines += "{\"predictions\":[" + range.map { Self.text(samples.predictions[$0]) }.joined(separator: ",")
                lines += "],\"labels\":" + Self.text(range.map { Double(samples.indices[$0]) })
                lines += ",\"sample_weights\":" + Self.text(Array(weights[range])) + "}\n\n"
            default:
                var data = [UInt8]()
                for j in range {
                    for value in samples.predictions[j] {
                        withUnsafeBytes(of: value.bitPattern.littleEndian) { data += $0 }
                    }
                }
                lines +=
                    "{\"predictions\":{\"shape\":[\(size),3],\"dtype\":\"float64\",\"data_base64\":\"\(Data(data).base64EncodedString())\"}"
                lines +=
                    ",\"labels\":{\"shape\":[\(size)],\"data\":" + Self.text(range.map { Double(samples.indices[$0]) })
                lines += "},\"sample_weights\":" + Self.text(Array(weights[range])) + "}\r\n"
            }
            i += size
            block += 1
        }
        try compare(
            "/cce/lines", samples: samples, binary: false, query: "", jsonOptions: "", chunkings: Self.chunkings,
            lines: lines, budget: 8 << 20)
    }

    @Test func aBatchLargerThanTheWholeBudgetIs503AtTheEnd() throws {
        let lines = Self.goodLines(3000).joined(separator: "\n")
        let control = TestStreamControl(budget: 1000)
        let response = try #require(
            drive(try Self.stream("/cce/lines", query: nil), Array(lines.utf8), chunks: [32768], control: control))
        #expect(response.status == 503)
        #expect(response.headers.contains { $0.name == "Retry-After" && $0.value == "1" })
        #expect(control.refusals > 1)
        #expect(control.chargedNow == 0)
    }

    /// The batch the last byte closes is charged as any batch (it was decoded uncharged: a
    /// stream's last lines bypassed the budget, an outside tester found, as a line too large
    /// for the budget was scored when it came last and refused when lines followed it).
    @Test func theLastBatchIsChargedAsAnyBatch() throws {
        let lines = Array(Self.goodLines(20).joined(separator: "\n").utf8)  // under one batch
        let small = TestStreamControl(budget: UInt64(lines.count) * 10)
        let refused = try #require(
            drive(try Self.stream("/cce/lines", query: nil), lines, chunks: [1 << 20], control: small))
        #expect(refused.status == 503)
        #expect(refused.headers.contains { $0.name == "Retry-After" && $0.value == "1" })
        #expect(small.refusals > 1)
        #expect(small.chargedNow == 0)
        let enough = TestStreamControl()
        let answered = try #require(
            drive(try Self.stream("/cce/lines", query: nil), lines, chunks: [1 << 20], control: enough))
        #expect(answered.status == 200)
        // The lines' bytes (their newlines are framing) at the batch factor.
        let lineBytes = UInt64(lines.count - lines.filter { $0 == UInt8(ascii: "\n") }.count)
        #expect(enough.peakCharge >= lineBytes * 26)
        #expect(enough.chargedNow == 0)
        // A budget that takes the last batch only once the retries after the last byte find
        // room: answered, once, with its charge given back.
        let tight = TestStreamControl(budget: UInt64(lines.count) * 27)
        let released = DispatchQueue(label: "budget")
        #expect(tight.control.charge(UInt64(lines.count) * 26))
        released.asyncAfter(deadline: .now() + .milliseconds(50)) { tight.control.release(UInt64(lines.count) * 26) }
        let late = try #require(
            drive(try Self.stream("/cce/lines", query: nil), lines, chunks: [1 << 20], control: tight))
        #expect(late.status == 200)
        Thread.sleep(forTimeInterval: 0.1)
        #expect(tight.answerCount == 1)
        #expect(tight.chargedNow == 0)
    }

    @Test func perSampleReturnsLossesAndBands() throws {
        let samples = Samples(n: 50, classes: 3, seed: 1, weighted: false)
        let json = RouterHarness().post("/cce", Self.jsonBody(samples, binary: false, options: ""))
        let control = TestStreamControl()
        let response = try #require(
            drive(
                try Self.stream("/cce/lines", query: "per_sample=true"),
                Array(Self.sampleLines(samples, binary: false).utf8), chunks: [100], control: control))
        Self.expectSame(JSONValue.parse(response.body), json.json, "per_sample")
    }

    @Test func theUnfinishedLineIsChargedAsItIsHeld() throws {
        let stream = try Self.stream("/cce/lines", query: nil)
        let control = TestStreamControl()
        let line = Array(
            "{\"prediction\":[\(Array(repeating: "0.002", count: 499).joined(separator: ",")),0.002],\"label\":0}".utf8)
        var offset = 0
        while offset + 1000 < line.count {
            let took = line.withUnsafeBytes {
                stream.take(UnsafeRawBufferPointer(rebasing: $0[offset..<offset + 1000]), control: control.control)
            }
            #expect(took == 1000)
            offset += took
            // The line so far is held, and charged at factor 1.
            #expect(control.chargedNow >= UInt64(offset), "\(offset) bytes held")
        }
        let rest = Array(line[offset...]) + Array("\n".utf8)
        let response = try #require(drive(stream, rest, chunks: [1 << 20], control: control))
        #expect(response.status == 200, "\(String(decoding: response.body, as: UTF8.self).prefix(300))")
        #expect(JSONValue.parse(response.body)["n"]?.int == 1)
        #expect(control.chargedNow == 0)
    }

    /// A stream that stalls after some batches were decoded keeps their buffers for reuse: they
    /// are charged while kept (else stalled streams would hold memory the budget cannot see),
    /// and given back when the stream ends.
    @Test func buffersKeptForReuseAreCharged() throws {
        let stream = try Self.stream("/cce/lines", query: nil)
        let control = TestStreamControl()
        let line = "{\"prediction\":[0.2,0.7,0.1],\"label\":1}\n"
        // Three batches and a few lines.
        let lines = Array(String(repeating: line, count: 3 * 4096 / line.utf8.count + 8).utf8)
        var offset = 0
        while offset < lines.count {
            let end = min(lines.count, offset + 4096)
            let took = lines.withUnsafeBytes {
                stream.take(UnsafeRawBufferPointer(rebasing: $0[offset..<end]), control: control.control)
            }
            if took < end - offset { #expect(control.resumed.wait(timeout: .now() + 10) == .success) }
            offset += took
        }
        // Wait for the decoded batches to give back their decoding charge (bytes × 26).
        var settled = false
        for _ in 0..<200 where !settled {
            settled = control.chargedNow < 4096 * 26
            if !settled { Thread.sleep(forTimeInterval: 0.01) }
        }
        #expect(settled)
        // The open batch's few lines, and the kept buffers (each at least a batch's bytes).
        #expect(control.chargedNow >= 2 * 4096, "\(control.chargedNow)")
        let response = try #require(drive(stream, [], chunks: [1], control: control))
        #expect(response.status == 200)
        #expect(control.chargedNow == 0)
    }

    // MARK: - The set's rules, checked at the stream's end

    /// The stream's answer and the JSON path's for the same samples (`lines` as sample and
    /// block lines, `body` as one JSON body).
    private func expectSameAnswer(_ path: String, query: String?, lines: [String], body: String) throws {
        let json = RouterHarness().post(String(path.dropLast("/lines".count)), body)
        for chunks in Self.chunkings {
            let control = TestStreamControl()
            let bytes = Array(lines.joined(separator: "\n").utf8)
            let response = try #require(
                drive(try Self.stream(path, query: query), bytes, chunks: chunks, control: control))
            #expect(response.status == json.status, "\(String(decoding: response.body, as: UTF8.self).prefix(300))")
            Self.expectSame(
                JSONValue.parse(response.body), json.json, "\(path)?\(query ?? "") chunks \(chunks.prefix(3))")
            #expect(control.chargedNow == 0)
        }
    }

    /// A line whose labels are all PyTorch's ignore_index leaves nothing of its own to score,
    /// which is fine while other lines have samples: the answer (with `ignored`, and with
    /// `null` in the per-sample arrays where samples were left out) is the JSON path's.
    @Test(arguments: [false, true]) func linesOfIgnoredLabelsAnswerAsTheJSONPath(perSample: Bool) throws {
        let lines = [
            #"{"prediction":[2,1,0.1],"label":0}"#,
            #"{"predictions":[[0.5,2.5,0.3],[1,1,1]],"labels":[-100,-100]}"#,
            #"{"prediction":[0.5,2.5,0.3],"label":2}"#,
            #"{"prediction":[0.5,2.5,0.3],"label":-100}"#,
            #"{"predictions":[[0.1,0.2,3],[1,2,3]],"labels":[1,-100]}"#,
        ]
        let body = """
            {"convention":"pytorch","per_sample":\(perSample),"predictions":[[2,1,0.1],[0.5,2.5,0.3],[1,1,1],\
            [0.5,2.5,0.3],[0.5,2.5,0.3],[0.1,0.2,3],[1,2,3]],"labels":[0,-100,-100,2,-100,1,-100]}
            """
        try expectSameAnswer(
            "/cce/lines", query: "convention=pytorch" + (perSample ? "&per_sample=true" : ""), lines: lines, body: body)
    }

    /// `ignore_index` is a query option as it is a body field: here class 2 is left out of a
    /// document-convention stream, as the JSON path leaves it out.
    @Test func anIgnoreIndexQueryOptionAnswersAsTheJSONPath() throws {
        let lines = [
            #"{"prediction":[0.2,0.7,0.1],"label":1}"#,
            #"{"predictions":[[0.6,0.3,0.1],[0.3,0.3,0.4]],"labels":[2,0]}"#,
            #"{"prediction":[0.1,0.1,0.8],"label":2}"#,
        ]
        let body = """
            {"ignore_index":2,"per_sample":true,"predictions":[[0.2,0.7,0.1],[0.6,0.3,0.1],[0.3,0.3,0.4],\
            [0.1,0.1,0.8]],"labels":[1,2,0,2]}
            """
        try expectSameAnswer("/cce/lines", query: "ignore_index=2&per_sample=true", lines: lines, body: body)
    }

    /// A UTF-8 byte order mark is ignored at the start of any line (files saved with one and
    /// joined by `cat`), as JSONDecoder ignores one at the start of a body.
    @Test func aByteOrderMarkStartingAnyLineIsIgnored() throws {
        let bom = "\u{FEFF}"
        let lines = [
            bom + #"{"prediction":[0.2,0.7,0.1],"label":1}"#, bom + #"{"prediction":[0.6,0.3,0.1],"label":2}"#,
        ]
        let body = #"{"per_sample":false,"predictions":[[0.2,0.7,0.1],[0.6,0.3,0.1]],"labels":[1,2]}"#
        try expectSameAnswer("/cce/lines", query: nil, lines: lines, body: body)
    }

    /// Class weights of 0 for the classes one line labels are fine while other lines label a
    /// class that weighs.
    @Test(arguments: ["", "&convention=pytorch"]) func aLineWhoseClassesWeighNothingCounts(convention: String) throws {
        // Probabilities for the document convention, logits for PyTorch's (its only input).
        let rows = convention.isEmpty ? ["[0.2,0.7,0.1]", "[0.6,0.3,0.1]"] : ["[2,-1,0.5]", "[0.3,1.5,-2]"]
        let lines = [#"{"prediction":\#(rows[0]),"label":0}"#, #"{"prediction":\#(rows[1]),"label":1}"#]
        let body = """
            {"class_weights":[0,1,1],"per_sample":false,"predictions":[\(rows[0]),\(rows[1])],"labels":[0,1]\
            \(convention.isEmpty ? "" : ",\"convention\":\"pytorch\"")}
            """
        try expectSameAnswer("/cce/lines", query: "class_weights=0,1,1" + convention, lines: lines, body: body)
    }

    /// The same rules over the whole stream: nothing left after ignore_index, or no labelled
    /// class that weighs, is a 422 at the end (the body's rules, pointing at the lines or at
    /// the query option).
    @Test func theSetsRulesAreCheckedAtTheEnd() throws {
        let allIgnored = try #require(
            drive(
                try Self.stream("/cce/lines", query: "convention=pytorch"),
                Array(
                    (Self.goodLines(3).map { $0.replacing(#""label":1"#, with: #""label":-100"#) }
                        .map { $0.replacing(#""label":0"#, with: #""label":-100"#) }).joined(separator: "\n").utf8),
                chunks: [7], control: TestStreamControl()))
        #expect(allIgnored.status == 422)
        #expect(JSONValue.parse(allIgnored.body).problemPointers == ["/lines"])
        #expect(
            JSONValue.parse(allIgnored.body)["detail"]?.string?.contains("every label is ignore_index (-100)") == true)
        let unweighted = try #require(
            drive(
                try Self.stream("/cce/lines", query: "class_weights=0,1"),
                Array((0..<5).map { _ in #"{"prediction":[0.25,0.75],"label":0}"# }.joined(separator: "\n").utf8),
                chunks: [9], control: TestStreamControl()))
        #expect(unweighted.status == 422)
        #expect(JSONValue.parse(unweighted.body).problemPointers == ["/class_weights"])
    }

    // MARK: - Errors

    private func failing(_ lines: [String], chunks: [Int] = [5000]) throws -> (status: Int, json: JSONValue) {
        let control = TestStreamControl()
        let bytes = Array(lines.joined(separator: "\n").utf8)
        let response = try #require(
            drive(try Self.stream("/cce/lines", query: nil), bytes, chunks: chunks, control: control))
        #expect(control.chargedNow == 0)
        return (response.status, JSONValue.parse(response.body))
    }

    static func goodLines(_ n: Int) -> [String] {
        (0..<n).map { "{\"prediction\":[0.25,0.75],\"label\":\($0 % 2)}" }
    }

    @Test(arguments: [0, 900, 1999]) func aBadLineIsTheLowestFailingLine(at index: Int) throws {
        var lines = Self.goodLines(2000)
        lines[index] = #"{"prediction":[0.25,0.5],"label":1}"#  // does not sum to 1
        if index + 50 < 2000 { lines[index + 50] = "not json" }  // a later, faster failure
        for chunks in [[5000], [1, 300, 17]] {
            let (status, json) = try failing(lines, chunks: chunks)
            #expect(status == 422)
            #expect(json.problemPointers.first?.hasPrefix("/lines/\(index)/prediction") == true, "\(json.jsonText)")
            #expect(json["detail"]?.string?.hasPrefix("line \(index + 1): ") == true, "\(json.jsonText)")
        }
    }

    @Test func aLineThatIsNotJSONIs400() throws {
        var lines = Self.goodLines(10)
        lines[3] = #"{"prediction":[0.5,0.5],"label":0} {"prediction":[0.5,0.5],"label":0}"#
        let (status, json) = try failing(lines)
        #expect(status == 400)
        #expect(json["detail"]?.string?.hasPrefix("line 4: ") == true, "\(json.jsonText)")
        #expect(json.problemPointers.allSatisfy { $0.hasPrefix("/lines/3") })
    }

    @Test func aLineOverTheLimitIs413() throws {
        var lines = Self.goodLines(10)
        lines[5] = "{\"prediction\":[" + String(repeating: "0.0,", count: 300_000) + "1],\"label\":0}"
        let (status, json) = try failing(lines)
        #expect(status == 413)
        #expect(json.problemPointers == ["/lines/5"])
    }

    @Test func linesMustAgreeOnClassesAndLabelForm() throws {
        var lines = Self.goodLines(10)
        lines[6] = #"{"prediction":[0.2,0.3,0.5],"label":2}"#
        var (status, json) = try failing(lines)
        #expect(status == 422)
        #expect(json.problemPointers == ["/lines/6"])
        lines[6] = #"{"prediction":[0.5,0.5],"label":[0,1]}"#
        (status, json) = try failing(lines)
        #expect(status == 422)
        #expect(json["detail"]?.string == "line 7: labels are rows; the lines before give class indices")
    }

    @Test func unknownMembersAndOptionsOnALineAre422() throws {
        var lines = Self.goodLines(4)
        lines[1] = #"{"prediction":[0.5,0.5],"labl":0}"#
        var (status, json) = try failing(lines)
        #expect(status == 422)
        #expect(json.problemPointers.contains("/lines/1/labl"), "\(json.jsonText)")
        lines[1] = #"{"predictions":[[0.5,0.5]],"labels":[0],"convention":"keras"}"#
        (status, json) = try failing(lines)
        #expect(status == 422)
        #expect(json.problemPointers.contains("/lines/1/convention"), "\(json.jsonText)")
    }

    @Test func weightsOfZeroCountForNothingButNotEverywhere() throws {
        let lines = [
            #"{"prediction":[0.25,0.75],"label":1,"weight":0}"#,
            #"{"predictions":[[0.5,0.5],[0.5,0.5]],"labels":[0,1],"sample_weights":[0,0]}"#,
        ]
        let (status, json) = try failing(lines)
        #expect(status == 422)
        #expect(json.problemPointers == ["/lines"])
        let control = TestStreamControl()
        let bytes = Array((lines + [#"{"prediction":[0.25,0.75],"label":1}"#]).joined(separator: "\n").utf8)
        let response = try #require(
            drive(try Self.stream("/cce/lines", query: nil), bytes, chunks: [9], control: control))
        #expect(response.status == 200)
        #expect(JSONValue.parse(response.body)["loss"]?.double == 0.4150374992788438)  // -log2(0.75)
    }

    /// An empty weight list is a count mismatch, not "all weights 0" (found by schemathesis: it
    /// trapped on an index out of range).
    @Test(arguments: ["/cce/lines", "/bce/lines"]) func anEmptyWeightListIsACountMismatch(path: String) throws {
        let line =
            path == "/cce/lines"
            ? #"{"predictions":[[0.2,0.7,0.1]],"labels":[1],"sample_weights":[]}"#
            : #"{"predictions":[[0.2,0.7,0.1]],"labels":[[1,0,1]],"sample_weights":[]}"#
        let control = TestStreamControl()
        let response = try #require(
            drive(try Self.stream(path, query: nil), Array(line.utf8), chunks: [100], control: control))
        #expect(response.status == 422)
        #expect(JSONValue.parse(response.body).problemPointers == ["/lines/0/sample_weights"])
    }

    /// Weights of 0 whose count does not match the rows are a count mismatch too (they trapped
    /// the process: a line of zeros was validated unweighted, and scoring read past their end).
    @Test(arguments: [
        ("/cce/lines", #"{"predictions":[[0.5,0.5],[0.5,0.5]],"labels":[0,1],"sample_weights":[0]}"#),
        (
            "/cce/lines",
            #"{"prediction":[0.5,0.5],"label":0,"weight":0}"# + "\n"
                + #"{"predictions":[[0.5,0.5]],"labels":[1],"sample_weights":[0,0]}"#
        ),
        ("/bce/lines", #"{"predictions":[[0.5,0.5],[0.5,0.5]],"labels":[[0,1],[1,0]],"sample_weights":[0,0,0]}"#),
    ])
    func zeroWeightsOfTheWrongCountAreACountMismatch(path: String, lines: String) throws {
        let control = TestStreamControl()
        let response = try #require(
            drive(try Self.stream(path, query: nil), Array(lines.utf8), chunks: [100], control: control))
        #expect(response.status == 422)
        let pointers = JSONValue.parse(response.body).problemPointers
        #expect(pointers.count == 1 && pointers[0].hasSuffix("/sample_weights"), "\(pointers)")
        #expect(control.chargedNow == 0)
    }

    @Test func anEmptyStreamIs422() throws {
        let (status, json) = try failing(["", "  "])
        #expect(status == 422)
        #expect(json.problemPointers == ["/lines"])
    }

    @Test(arguments: [
        ("convention=tensorflow", "/convention"), ("label_smoothing=1", "/label_smoothing"),
        ("class_weights=1,-2", "/class_weights/1"), ("class_weights=1,x", "/class_weights/1"),
        ("per_sample=yes", "/per_sample"), ("epsilon=0.1&input=logits", "/epsilon"),
        ("sample_weights=1", "/sample_weights"),
        ("confidence=1", "/confidence"), ("pos_weight=1", "/pos_weight"), ("ignore_index=1.5", "/ignore_index"),
        ("model=a%20b", "/model"),
    ])
    func aBadQueryOptionIsRefusedAtTheHeaders(query: String, pointer: String) throws {
        let endpoint = try #require(LinesEndpoint(path: "/cce/lines", metrics: nil))
        let head = RequestHead(
            method: "POST", path: "/cce/lines", contentType: "application/x-ndjson", contentLength: nil)
        guard case .failure(let problem) = endpoint.admit(head, query: query) else {
            Issue.record("admitted \(query)")
            return
        }
        #expect(problem.status == 422)
        #expect(problem.errors.map(\.pointer).contains(pointer), "\(problem.errors)")
    }

    @Test func theMediaTypeIsChecked() throws {
        let endpoint = try #require(LinesEndpoint(path: "/bce/lines", metrics: nil))
        for (type, admitted) in [
            ("application/x-ndjson", true), ("application/jsonl; charset=utf-8", true), ("application/json", false),
        ] {
            let head = RequestHead(method: "POST", path: "/bce/lines", contentType: type, contentLength: nil)
            if case .success = endpoint.admit(head, query: "") {
                #expect(admitted, "\(type)")
            } else {
                #expect(!admitted, "\(type)")
            }
        }
    }
}
