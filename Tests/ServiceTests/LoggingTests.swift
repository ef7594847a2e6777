import Foundation
import TestSupport
import Testing

/// One JSON line per request on stdout, nothing of the body at info level, levels honoured.
@Suite struct LoggingTests {
    private func waitForLines(_ service: ServiceProcess, containing text: String, count: Int) -> [JSONValue] {
        for _ in 0..<100 {
            let lines = service.outputLines.filter { $0.contains(text) }
            if lines.count >= count { return lines.map { JSONValue.parse(Array($0.utf8)) } }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return service.outputLines.filter { $0.contains(text) }.map { JSONValue.parse(Array($0.utf8)) }
    }

    @Test func oneStructuredLinePerRequest() throws {
        let service = try ServiceProcess.start()
        defer { service.stop() }
        let secret = "0.123456789"
        let body = "{\"predictions\":[[\(secret),0.876543211]],\"labels\":[0]}"
        _ = try httpRequest(
            port: service.port,
            "POST",
            "/cce",
            json: body,
            headers: [("X-Request-Id", "log-test-1")]
        )
        _ = try httpRequest(
            port: service.port, "POST", "/cce", json: "{\"predictions\":[[\(secret)]]}",
            headers: [("X-Request-Id", "log-test-2")])
        let lines = waitForLines(service, containing: "log-test-", count: 2)
        #expect(lines.count == 2)
        let ok = lines.first { $0["request_id"]?.string == "log-test-1" }
        #expect(ok?["level"]?.string == "info")
        #expect(ok?["method"]?.string == "POST")
        #expect(ok?["path"]?.string == "/cce")
        #expect(ok?["status"]?.int == 200)
        #expect(ok?["bytes_in"]?.int == body.utf8.count)
        #expect((ok?["bytes_out"]?.int ?? 0) > 100)
        #expect((ok?["duration_ms"]?.double ?? -1) >= 0)
        #expect(ok?["timestamp"]?.string?.hasSuffix("Z") == true)
        let rejected = lines.first { $0["request_id"]?.string == "log-test-2" }
        #expect(rejected?["status"]?.int == 422)
        #expect(rejected?["problem"]?.string == "urn:cross-entropy-service:problem:validation-failed")
        #expect(!service.outputLines.contains { $0.contains(secret) }, "request body values leaked into the log")
    }

    /// The whole access line of a scored request, with its timestamp and duration masked: the
    /// fields in name order, the client's address, the samples counted (an ignored one is not),
    /// the classes, the convention and the model. Other routes' lines have none of the four.
    @Test func theAccessLinePinned() throws {
        let service = try ServiceProcess.start()
        defer { service.stop() }
        let body =
            #"{"predictions":[[1,2,3],[0,0,1],[3,2,1]],"labels":[2,-100,0],"convention":"pytorch","model":"clf:v1"}"#
        let answer = try httpRequest(
            port: service.port, "POST", "/cce", json: body, headers: [("X-Request-Id", "pinned-1")])
        #expect(answer.status == 200)
        _ = try httpRequest(port: service.port, "GET", "/healthz", headers: [("X-Request-Id", "pinned-2")])
        _ = waitForLines(service, containing: "pinned-", count: 2)
        let timestamp = try Regex(#""timestamp":"[^"]*""#)
        let duration = try Regex(#""duration_ms":[0-9.e-]*"#)
        let masked = service.outputLines.filter { $0.contains("pinned-") }.map {
            $0.replacing(timestamp, with: #""timestamp":"T""#).replacing(duration, with: #""duration_ms":0"#)
        }
        #expect(
            masked.first { $0.contains("pinned-1") }
                == #"{"timestamp":"T","level":"info","message":"request","logger":"access","bytes_in":\#(body.utf8.count),"bytes_out":\#(answer.body.count),"classes":3,"client":"127.0.0.1","convention":"pytorch","duration_ms":0,"method":"POST","model":"clf:v1","n":2,"path":"/cce","request_id":"pinned-1","status":200}"#
        )
        // A stream's line says the same of its merged lines.
        let lines = "{\"prediction\":[1,2,3],\"label\":2}\n{\"prediction\":[0,0,1],\"label\":-100}\n"
        let stream = try httpRequest(
            port: service.port, "POST", "/cce/lines?convention=pytorch&model=clf:v1", json: lines,
            headers: [("Content-Type", "application/x-ndjson"), ("X-Request-Id", "pinned-3")])
        #expect(stream.status == 200)
        _ = waitForLines(service, containing: "pinned-3", count: 1)
        let streamLine = service.outputLines.first { $0.contains("pinned-3") } ?? ""
        #expect(
            streamLine.contains(
                #""classes":3,"client":"127.0.0.1","convention":"pytorch","duration_ms":"#), "\(streamLine)")
        #expect(streamLine.contains(#""model":"clf:v1","n":1,"path":"/cce/lines""#), "\(streamLine)")
        #expect(
            masked.first { $0.contains("pinned-2") }?.hasSuffix(
                #""client":"127.0.0.1","duration_ms":0,"method":"GET","path":"/healthz","request_id":"pinned-2","status":200}"#
            )
                == true)
    }

    @Test func levelFromTheEnvironmentSilencesRequests() throws {
        let service = try ServiceProcess.start(environment: ["LOG_LEVEL": "warning"])
        _ = try httpRequest(port: service.port, "GET", "/healthz", headers: [("X-Request-Id", "quiet-1")])
        #expect(service.stop() == 0, "\(service.errorOutput.suffix(6000))")
        #expect(!service.outputLines.contains { $0.contains("quiet-1") })
    }

    @Test func debugLevelAddsProblemDetails() throws {
        let service = try ServiceProcess.start(extraArguments: ["--log-level", "debug"])
        defer { service.stop() }
        _ = try httpRequest(
            port: service.port, "POST", "/cce", json: #"{"predictions":[[1,0]],"labels":[0],"x":1}"#,
            headers: [("X-Request-Id", "debug-1")])
        let line = waitForLines(service, containing: "debug-1", count: 1).first
        #expect(line?["detail"]?.string?.contains("unknown field 'x'") == true)
    }

    @Test func invalidLevelExitsWithCode2() throws {
        let result = try ServiceProcess.run(arguments: ["--log-level", "loud"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--log-level"))
    }
}
