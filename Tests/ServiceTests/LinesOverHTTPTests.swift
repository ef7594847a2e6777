import CZlib
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `POST /cce/lines` and `POST /bce/lines` over the real binary: the stream's answer is the JSON
/// path's for the same samples, bad lines are named by number, bad options are refused at the
/// headers, and aborted, stalled and drained uploads give their memory back.
@Suite(.serialized) struct LinesOverHTTPTests {
    static let rows: [[String]] = [
        ["0.2", "0.3", "0.5"], ["0.7", "0.2", "0.1"], ["0.1", "0.1", "0.8"], ["0.25", "0.25", "0.5"],
    ]

    /// `n` sample lines (3 classes, weights 1…4): what the stream sends, and the JSON body of the
    /// same samples.
    static func samples(_ n: Int, from start: Int = 0) -> (
        lines: [String], predictions: [String], labels: [Int], weights: [Int]
    ) {
        var lines: [String] = []
        var predictions: [String] = []
        var labels: [Int] = []
        var weights: [Int] = []
        for i in start..<(start + n) {
            let row = "[" + rows[i % rows.count].joined(separator: ",") + "]"
            lines.append("{\"prediction\":\(row),\"label\":\(i % 3),\"weight\":\(i % 4 + 1)}")
            predictions.append(row)
            labels.append(i % 3)
            weights.append(i % 4 + 1)
        }
        return (lines, predictions, labels, weights)
    }

    static func jsonBody(_ predictions: [String], _ labels: [Int], _ weights: [Int], extra: String = "") -> String {
        "{\"predictions\":[" + predictions.joined(separator: ",") + "],\"labels\":["
            + labels.map(String.init).joined(separator: ",") + "],\"sample_weights\":["
            + weights.map(String.init).joined(separator: ",") + "],\"per_sample\":false" + extra + "}"
    }

    /// One gzip member of `bytes`.
    static func gzip(_ bytes: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        guard
            deflateInit2_(
                &stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, zlibVersion(),
                Int32(MemoryLayout<z_stream>.size)) == Z_OK
        else { return [] }
        defer { deflateEnd(&stream) }
        var input = bytes
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))) + 64)
        let produced = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = uInt(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = uInt(outBuffer.count)
                return deflate(&stream, Z_FINISH) == Z_STREAM_END ? outBuffer.count - Int(stream.avail_out) : 0
            }
        }
        return Array(output[..<produced])
    }

    /// POSTs `body` as a stream, chunked in pieces of `piece` bytes (or with Content-Length).
    static func stream(
        port: UInt16, _ path: String, _ body: [UInt8], piece: Int? = nil, headers: [(String, String)] = []
    ) throws -> HTTPAnswer {
        let connection = try HTTPConnection(port: port)
        let all = [("Content-Type", "application/x-ndjson")] + headers
        guard let piece else {
            try connection.send("POST", path, headers: all, body: body)
            return try connection.readResponse()
        }
        try connection.send("POST", path, headers: all + [("Transfer-Encoding", "chunked")])
        for start in stride(from: 0, to: body.count, by: piece) {
            let part = Array(body[start..<min(start + piece, body.count)])
            try connection.send(Array((String(part.count, radix: 16) + "\r\n").utf8) + part + Array("\r\n".utf8))
        }
        try connection.send("0\r\n\r\n")
        return try connection.readResponse()
    }

    /// The fields the stream must give bit for bit, and those within 1e-13 relative.
    static func expectSameAnswer(_ stream: HTTPAnswer, _ json: HTTPAnswer, _ comment: Comment) {
        #expect(stream.status == 200, comment)
        #expect(json.status == 200, comment)
        for field in ["loss", "sum", "denominator", "n", "accuracy", "classes", "perplexity"] {
            #expect(stream.json[field]?.double == json.json[field]?.double, "\(comment) \(field)")
        }
        #expect(stream.json["band"]?.string == json.json["band"]?.string, comment)
        for field in ["normalized_entropy", "standard_error"] {
            #expect(
                isClose(stream.json[field]?.double, json.json[field]?.double, relative: 1e-13), "\(comment) \(field)")
        }
        #expect(
            stream.json["settings"]?["convention"]?.string == json.json["settings"]?["convention"]?.string, comment)
    }

    @Test func sampleLinesAnswerAsTheJSONPath() throws {
        let port = ServiceProcess.shared.port
        let s = Self.samples(5000)
        let body = Array((s.lines.joined(separator: "\n") + "\n").utf8)
        let json = try httpRequest(port: port, "POST", "/cce", json: Self.jsonBody(s.predictions, s.labels, s.weights))
        // Content-Length, and chunked in pieces that cut lines and numbers.
        Self.expectSameAnswer(try Self.stream(port: port, "/cce/lines", body), json, "length")
        Self.expectSameAnswer(try Self.stream(port: port, "/cce/lines", body, piece: 997), json, "chunked")
        #expect(json.json["n"]?.int == 5000)
    }

    @Test func blockLinesAndBase64BlocksMixWithSampleLines() throws {
        let port = ServiceProcess.shared.port
        let first = Self.samples(10)
        let block = Self.samples(3000, from: 10)
        let last = Self.samples(2, from: 3010)
        // 0.2, 0.7, 0.1 as little-endian float64, one row, label 1.
        let base64 =
            #"{"predictions":{"shape":[1,3],"dtype":"float64","data_base64":"mpmZmZmZyT9mZmZmZmbmP5qZmZmZmbk/"},"labels":[1],"sample_weights":[2]}"#
        let blockLine =
            "{\"predictions\":[" + block.predictions.joined(separator: ",") + "],\"labels\":["
            + block.labels.map(String.init).joined(separator: ",") + "],\"sample_weights\":["
            + block.weights.map(String.init).joined(separator: ",") + "]}"
        let text = (first.lines + [blockLine, "", base64] + last.lines).joined(separator: "\r\n")  // no final newline
        let json = try httpRequest(
            port: port, "POST", "/cce",
            json: Self.jsonBody(
                first.predictions + block.predictions + ["[0.2,0.7,0.1]"] + last.predictions,
                first.labels + block.labels + [1] + last.labels, first.weights + block.weights + [2] + last.weights))
        Self.expectSameAnswer(try Self.stream(port: port, "/cce/lines", Array(text.utf8), piece: 4096), json, "mixed")
    }

    @Test(arguments: [
        ("convention=keras", #","convention":"keras""#),
        ("convention=sklearn&confidence=0.9", #","convention":"sklearn","confidence":0.9"#),
        (
            "base=2&label_smoothing=0.1&class_weights=1,2,0.5",
            #","base":2,"label_smoothing":0.1,"class_weights":[1,2,0.5]"#
        ),
    ])
    func optionsInTheQueryAnswerAsInTheBody(query: String, fields: String) throws {
        let port = ServiceProcess.shared.port
        let s = Self.samples(300)
        let body = Array(s.lines.joined(separator: "\n").utf8)
        let json = try httpRequest(
            port: port, "POST", "/cce", json: Self.jsonBody(s.predictions, s.labels, s.weights, extra: fields))
        let answer = try Self.stream(port: port, "/cce/lines?\(query)", body)
        Self.expectSameAnswer(answer, json, "\(query)")
        #expect(answer.json["base"]?.double == json.json["base"]?.double)
        #expect(
            answer.json["settings"]?["label_smoothing"]?.double == json.json["settings"]?["label_smoothing"]?.double)
    }

    @Test func binaryLinesAnswerAsTheJSONPath() throws {
        let port = ServiceProcess.shared.port
        let lines = (0..<500).map { i in "{\"prediction\":[0.\(i % 9 + 1),0.\(8 - i % 8)],\"label\":[\(i % 2),1]}" }
        let predictions = (0..<500).map { i in "[0.\(i % 9 + 1),0.\(8 - i % 8)]" }
        let labels = (0..<500).map { i in "[\(i % 2),1]" }
        let json = try httpRequest(
            port: port, "POST", "/bce",
            json:
                "{\"predictions\":[\(predictions.joined(separator: ","))],\"labels\":[\(labels.joined(separator: ","))],\"per_sample\":false}"
        )
        let answer = try Self.stream(port: port, "/bce/lines", Array(lines.joined(separator: "\n").utf8), piece: 333)
        Self.expectSameAnswer(answer, json, "bce")
        #expect(answer.json["class_losses"]?.doubles == json.json["class_losses"]?.doubles)
    }

    @Test func gzipWithSeveralMembersAnswersAsTheJSONPath() throws {
        let port = ServiceProcess.shared.port
        let s = Self.samples(4000)
        let bytes = Array((s.lines.joined(separator: "\n") + "\n").utf8)
        // Members cut anywhere, even inside a line (what `cat a.gz b.gz` makes).
        let cuts = [0, 1234, 99_999, bytes.count]
        var body: [UInt8] = []
        for k in 0..<3 { body += Self.gzip(Array(bytes[cuts[k]..<cuts[k + 1]])) }
        let json = try httpRequest(port: port, "POST", "/cce", json: Self.jsonBody(s.predictions, s.labels, s.weights))
        let answer = try Self.stream(
            port: port, "/cce/lines", body, piece: 5000, headers: [("Content-Encoding", "gzip")])
        Self.expectSameAnswer(answer, json, "gzip")
    }

    /// A small gzip body that inflates to 8 MiB: of blank lines (no line: 422) or of one line
    /// (over --max-line-bytes: 413, its rest not inflated); nothing is left charged.
    @Test func gzipBombsAreAnsweredAndHoldNothing() throws {
        let port = ServiceProcess.shared.port
        let blank = Self.gzip([UInt8](repeating: UInt8(ascii: "\n"), count: 8 << 20))
        let oneLine = Self.gzip([UInt8](repeating: UInt8(ascii: "7"), count: 8 << 20))
        #expect(blank.count < 16 << 10 && oneLine.count < 16 << 10)
        let empty = try Self.stream(port: port, "/cce/lines", blank, headers: [("Content-Encoding", "gzip")])
        #expect(empty.status == 422, "\(empty.text)")
        let long = try Self.stream(port: port, "/cce/lines", oneLine, headers: [("Content-Encoding", "gzip")])
        #expect(long.status == 413, "\(long.text)")
        #expect(long.details.first?.contains("line 1") == true, "\(long.details)")
        #expect(try Self.chargeReturnsToZero(port))
    }

    /// A gzip body corrupt or cut after a bad line: the bad line, first in the body, is named;
    /// with no bad line, the gzip problem is (the lines before it decoded, the cut line not read
    /// as a line).
    @Test func aBadLineBeforeABadGzipEndIsNamed() throws {
        let port = ServiceProcess.shared.port
        var lines = Self.samples(50).lines
        let good = Self.gzip(Array((lines.joined(separator: "\n") + "\n").utf8))
        lines[3] = "{\"prediction\":[0.2,0.3,0.5],\"label\":7}"
        let bad = Self.gzip(Array((lines.joined(separator: "\n") + "\n").utf8))
        let gzip = [("Content-Encoding", "gzip")]
        for (body, what) in [(Array(bad.dropLast(4)), "cut"), (bad + Array("junk".utf8), "trailing junk")] {
            let answer = try Self.stream(port: port, "/cce/lines", body, headers: gzip)
            #expect(answer.status == 422, "\(what): \(answer.text)")
            #expect(answer.pointers.first?.hasPrefix("/lines/3/") == true, "\(what): \(answer.pointers)")
        }
        let cut = try Self.stream(port: port, "/cce/lines", Array(good.dropLast(20)), headers: gzip)
        #expect(cut.status == 400, "\(cut.text)")
        #expect(cut.text.contains("gzip"), "\(cut.text)")
        #expect(try Self.chargeReturnsToZero(port))
    }

    @Test(arguments: [0, 2500, 4999])
    func aBadLineIsNamedByNumber(bad: Int) throws {
        let port = ServiceProcess.shared.port
        var lines = Self.samples(5000).lines
        lines[bad] = "{\"prediction\":[0.2,0.3,0.5],\"label\":7}"
        let answer = try Self.stream(port: port, "/cce/lines", Array(lines.joined(separator: "\n").utf8), piece: 8192)
        #expect(answer.status == 422)
        #expect(answer.contentType == "application/problem+json")
        #expect(answer.pointers.first?.hasPrefix("/lines/\(bad)/") == true, "\(answer.pointers)")
        #expect(answer.details.first?.contains("line \(bad + 1)") == true, "\(answer.details)")
    }

    @Test func aLineThatIsNotJSONIsA400() throws {
        let port = ServiceProcess.shared.port
        var lines = Self.samples(20).lines
        lines[11] = "{\"prediction\":[0.2,"
        let answer = try Self.stream(port: port, "/cce/lines", Array(lines.joined(separator: "\n").utf8))
        #expect(answer.status == 400)
        #expect(answer.details.first?.contains("line 12") == true, "\(answer.details)")
    }

    /// --max-body-bytes bounds bodies held whole, not streams; --max-stream-bytes bounds these.
    @Test func streamsAreBoundedByMaxStreamBytesNotMaxBodyBytes() throws {
        let service = try ServiceProcess.start(extraArguments: [
            "--max-body-bytes", "1000", "--max-stream-bytes", "20000",
        ])
        defer { service.stop() }
        let body = Array(Self.samples(200).lines.joined(separator: "\n").utf8)  // about 9 KB
        #expect(try Self.stream(port: service.port, "/cce/lines", body).json["n"]?.int == 200)
        #expect(try Self.stream(port: service.port, "/cce/lines", body, piece: 1000).json["n"]?.int == 200)
        let long = Array(Self.samples(600).lines.joined(separator: "\n").utf8)  // about 27 KB
        for piece in [nil, 1000] {
            let answer = try Self.stream(port: service.port, "/cce/lines", long, piece: piece)
            #expect(answer.status == 413)
            #expect(answer.json["detail"]?.string?.contains("--max-stream-bytes") == true, "\(answer.text)")
        }
        #expect(try Self.chargeReturnsToZero(service.port))
    }

    /// Under a budget smaller than a default batch at its decoding factor (256 KiB × 20), batches
    /// are cut to fit: a long stream of short lines is scored, not refused for ever with 503s.
    @Test func batchesFitASmallBudget() throws {
        let service = try ServiceProcess.start(extraArguments: [
            "--max-body-bytes", "100000", "--memory-budget-bytes", "4000000",
        ])
        defer { service.stop() }
        let body = Array(Self.samples(20000).lines.joined(separator: "\n").utf8)  // about 0.9 MB
        for piece in [nil, 65536] {
            let answer = try Self.stream(port: service.port, "/cce/lines", body, piece: piece)
            #expect(answer.status == 200, "\(answer.text.prefix(300))")
            #expect(answer.json["n"]?.int == 20000)
        }
        #expect(try Self.chargeReturnsToZero(service.port))
    }

    @Test func aLineOverMaxLineBytesIsA413() throws {
        let service = try ServiceProcess.start(extraArguments: ["--max-line-bytes", "100"])
        defer { service.stop() }
        var lines = Self.samples(5).lines
        lines[3] = "{\"prediction\":[" + Array(repeating: "0.1", count: 30).joined(separator: ",") + "],\"label\":0}"
        let answer = try Self.stream(port: service.port, "/cce/lines", Array(lines.joined(separator: "\n").utf8))
        #expect(answer.status == 413)
        #expect(answer.details.first?.contains("line 4") == true, "\(answer.details)")
        // It says how a wide row fits.
        #expect(answer.details.first?.contains("base64 tensor") == true, "\(answer.details)")
    }

    /// The answer comes at the headers: the declared body is never sent.
    @Test(arguments: [
        "convention=torch", "per_sample=yes", "label_smoothing=x", "colour=red", "class_weights=1&class_weights=2",
    ])
    func aBadQueryOptionIsRefusedAtTheHeaders(query: String) throws {
        let connection = try HTTPConnection(port: ServiceProcess.shared.port, timeoutSeconds: 10)
        try connection.send(
            "POST", "/cce/lines?\(query)",
            headers: [("Content-Type", "application/x-ndjson"), ("Content-Length", "1000000")])
        let answer = try connection.readResponse()
        #expect(answer.status == 422 || answer.status == 400, "\(answer.status) \(answer.text)")
        #expect(answer.contentType == "application/problem+json")
    }

    /// Clients that serialize arrays as repeated parameters would otherwise be scored with the
    /// last value alone.
    @Test func aRepeatedQueryOptionIsRefusedNamingIt() throws {
        let answer = try Self.stream(
            port: ServiceProcess.shared.port, "/cce/lines?class_weights=1,2,3&base=2&class_weights=1",
            Array(#"{"prediction":[0.2,0.7,0.1],"label":1}"#.utf8))
        #expect(answer.status == 422)
        #expect(
            answer.text.contains(
                #""pointer":"/class_weights","detail":"query parameter 'class_weights' occurs more than once; send it once, its numbers comma-separated (class_weights=1,2,3)""#
            ), "\(answer.text)")
    }

    @Test func aJSONMediaTypeIsRefusedAtTheHeaders() throws {
        let connection = try HTTPConnection(port: ServiceProcess.shared.port, timeoutSeconds: 10)
        try connection.send(
            "POST", "/bce/lines", headers: [("Content-Type", "application/json"), ("Content-Length", "1000000")])
        let answer = try connection.readResponse()
        #expect(answer.status == 415)
        #expect(answer.text.contains("application/x-ndjson"))
    }

    /// A coding the stream routes do not take is refused at the headers, and the answer says
    /// which they take (RFC 9110 §12.5.3), as the JSON routes' answer does.
    @Test func anUnknownCodingIsRefusedNamingTheAcceptedOnes() throws {
        let connection = try HTTPConnection(port: ServiceProcess.shared.port, timeoutSeconds: 10)
        try connection.send(
            "POST", "/cce/lines",
            headers: [
                ("Content-Type", "application/x-ndjson"), ("Content-Encoding", "deflate"), ("Content-Length", "1000"),
            ])
        let answer = try connection.readResponse()
        #expect(answer.status == 415)
        #expect(answer.header("Accept-Encoding") == "gzip, identity")
        #expect(answer.text.contains("deflate"))
    }

    /// The budget's charge, read from /metrics.
    static func charged(_ port: UInt16) throws -> Double? {
        metricValue(try httpRequest(port: port, "GET", "/metrics").text, "cross_entropy_memory_budget_charged_bytes")
    }

    /// Polls until the charge is back to 0 (an ended exchange releases it on a server thread).
    static func chargeReturnsToZero(_ port: UInt16) throws -> Bool {
        for _ in 0..<100 {
            if try charged(port) == 0 { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return false
    }

    @Test func anAbortedUploadGivesItsMemoryBack() throws {
        let service = try ServiceProcess.start(extraArguments: ["--threads", "2"])
        defer { service.stop() }
        let connection = try HTTPConnection(port: service.port)
        try connection.send(
            "POST", "/cce/lines", headers: [("Content-Type", "application/x-ndjson"), ("Transfer-Encoding", "chunked")])
        let part = Array(Self.samples(3000).lines.joined(separator: "\n").utf8)
        try connection.send(Array((String(part.count, radix: 16) + "\r\n").utf8) + part + Array("\r\n".utf8))
        Thread.sleep(forTimeInterval: 0.3)
        connection.close()
        #expect(try Self.chargeReturnsToZero(service.port))
        // The service still scores streams.
        let answer = try Self.stream(
            port: service.port, "/cce/lines", Array(Self.samples(5).lines.joined(separator: "\n").utf8))
        #expect(answer.json["n"]?.int == 5)
        #expect(try Self.chargeReturnsToZero(service.port))
    }

    @Test func aStalledUploadIsCutByTheSlowBodyRules() throws {
        let service = try ServiceProcess.start(extraArguments: ["--max-body-gap", "1"])
        defer { service.stop() }
        let connection = try HTTPConnection(port: service.port, timeoutSeconds: 10)
        try connection.send(
            "POST", "/cce/lines", headers: [("Content-Type", "application/x-ndjson"), ("Content-Length", "100000")])
        try connection.send(Self.samples(10).lines.joined(separator: "\n") + "\n{\"predic")
        let start = Date()
        #expect(connection.readUntilClosed().isEmpty, "an answer came instead of a close")
        #expect(Date().timeIntervalSince(start) < 6)
        let metrics = try httpRequest(port: service.port, "GET", "/metrics").text
        #expect(metrics.contains(#"cross_entropy_requests_rejected_total{reason="slow_body"} 1"#))
        #expect(try Self.chargeReturnsToZero(service.port))
    }

    /// A stream the client has paused mid-upload: /healthz answers meanwhile; after SIGTERM, the
    /// drain lets it finish if it resumes in time, and the process exits 0 with the budget at 0.
    @Test func aPausedStreamFinishesDuringTheDrain() throws {
        let service = try ServiceProcess.start(extraArguments: ["--drain-seconds", "20"])
        let s = Self.samples(4000)
        let body = Array((s.lines.joined(separator: "\n") + "\n").utf8)
        let connection = try HTTPConnection(port: service.port)
        try connection.send(
            "POST", "/cce/lines",
            headers: [("Content-Type", "application/x-ndjson"), ("Content-Length", String(body.count))])
        try connection.send(Array(body[..<(body.count / 2)]))
        Thread.sleep(forTimeInterval: 0.3)
        #expect(try httpRequest(port: service.port, "GET", "/healthz").status == 200)
        let json = try httpRequest(
            port: service.port, "POST", "/cce", json: Self.jsonBody(s.predictions, s.labels, s.weights))
        kill(service.processIdentifier, SIGTERM)
        Thread.sleep(forTimeInterval: 0.3)
        try connection.send(Array(body[(body.count / 2)...]))
        Self.expectSameAnswer(try connection.readResponse(), json, "drained")
        #expect(service.waitForExit() == 0, "\(service.errorOutput.suffix(6000))")
    }

    /// A stream still paused when the drain ends is closed; the process exits 0.
    @Test func aStreamPausedPastTheDrainIsClosed() throws {
        let service = try ServiceProcess.start(extraArguments: ["--drain-seconds", "1"])
        let connection = try HTTPConnection(port: service.port, timeoutSeconds: 10)
        try connection.send(
            "POST", "/cce/lines", headers: [("Content-Type", "application/x-ndjson"), ("Content-Length", "100000")])
        try connection.send(Self.samples(100).lines.joined(separator: "\n"))
        Thread.sleep(forTimeInterval: 0.3)
        #expect(try httpRequest(port: service.port, "GET", "/healthz").status == 200)
        let started = Date()
        kill(service.processIdentifier, SIGTERM)
        #expect(service.waitForExit() == 0, "\(service.errorOutput.suffix(6000))")
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(connection.readUntilClosed().isEmpty)
        // Its access line says it was closed without an answer, with the bytes that came.
        let line = service.outputLines.first { $0.contains(#""path":"/cce/lines""#) }
        #expect(line?.contains(#""closed":"aborted""#) == true, "\(line ?? "no access line")")
        #expect(line?.contains(#""status":0"#) == true)
    }
}
