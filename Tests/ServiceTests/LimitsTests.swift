import Foundation
import TestSupport
import Testing

/// Structural limits: 422 naming the limit, counted as rejections.
@Suite struct LimitsTests {
    @Test func structuralLimitsAreEnforcedAndNamed() throws {
        let service = try ServiceProcess(arguments: [
            "--host", "127.0.0.1", "--port", "0", "--max-samples", "3", "--max-classes", "4", "--max-elements", "10",
            "--max-jobs", "2",
        ])
        defer { service.stop() }
        let port = service.port
        func post(_ path: String, _ body: String) throws -> HTTPAnswer {
            try httpRequest(port: port, "POST", path, json: body)
        }

        let samples = try post("/cce", #"{"predictions":[[0.5,0.5],[0.5,0.5],[0.5,0.5],[0.5,0.5]],"labels":[0,0,0,0]}"#)
        #expect(samples.status == 422)
        #expect(samples.json["type"]?.string == "urn:cross-entropy-service:problem:limit-exceeded")
        #expect(samples.json["detail"]?.string?.contains("--max-samples") == true)
        #expect(samples.json.problemPointers == ["/predictions"])

        let classes = try post("/bce", #"{"predictions":[[0.1,0.1,0.1,0.1,0.1]],"labels":[[0,0,0,0,0]]}"#)
        #expect(classes.json["detail"]?.string?.contains("--max-classes") == true)

        let elements = try post(
            "/cce",
            #"{"predictions":[[0.25,0.25,0.25,0.25],[0.25,0.25,0.25,0.25],[0.25,0.25,0.25,0.25]],"labels":[0,0,0]}"#)
        #expect(elements.json["detail"]?.string?.contains("--max-elements") == true)

        let job = #"{"id":"a","loss":"cce","predictions":[[0.5,0.5],[0.5,0.5],[0.5,0.5]],"labels":[0,0,0]}"#
        let jobs = try post("/batch", "{\"jobs\":[\(job),\(job),\(job)]}")
        #expect(jobs.status == 422)
        #expect(jobs.json["detail"]?.string?.contains("--max-jobs") == true)
        let total = try post("/batch", "{\"jobs\":[\(job),\(job)]}")
        #expect(total.status == 422)
        #expect(total.json["detail"]?.string?.contains("across all jobs") == true)

        let fits = try post("/cce", #"{"predictions":[[0.5,0.5],[0.5,0.5]],"labels":[0,1]}"#)
        #expect(fits.status == 200)
        let metrics = try httpRequest(port: port, "GET", "/metrics").text
        #expect(metrics.contains(#"requests_rejected_total{reason="limits"} 5"#))
    }

    @Test func hugeTensorShapesAreRefusedNotAllocated() throws {
        let answer = try httpRequest(
            port: ServiceProcess.shared.port,
            "POST",
            "/cce",
            json: #"{"predictions":{"shape":[4611686018427387904,4],"data_base64":"AAAA"},"labels":[0]}"#
        )
        #expect(answer.status == 422)
        #expect(answer.json.problemPointers == ["/predictions/shape"])
    }

    /// Bodies held at once are bounded across connections: past --max-buffered-bytes a request
    /// is answered 503 with Retry-After (at its headers when it declares its length), and the
    /// budget comes back when a body is done with.
    @Test func bodiesBeyondTheBufferedBytesBudgetAre503() throws {
        let service = try ServiceProcess(arguments: [
            "--host", "127.0.0.1", "--port", "0", "--max-body-bytes", "100000", "--max-buffered-bytes", "150000",
        ])
        defer { service.stop() }
        let port = service.port
        func padded(_ size: Int) -> [UInt8] {
            let json = Array(#"{"predictions":[[0.5,0.5]],"labels":[0]}"#.utf8)
            return json + [UInt8](repeating: 0x20, count: size - json.count)  // trailing spaces are valid JSON
        }
        func post(_ connection: HTTPConnection, _ body: [UInt8]) throws {
            try connection.send("POST", "/cce", headers: [("Content-Type", "application/json")], body: body)
        }

        // One client holds 100,000 bytes of the budget: headers and half its body are in.
        let holder = try HTTPConnection(port: port)
        let held = padded(100_000)
        try holder.send(
            Array(
                "POST /cce HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n".utf8
            )
                + held[..<50_000])
        Thread.sleep(forTimeInterval: 0.5)  // its headers are read before the next client's

        let declared = try HTTPConnection(port: port)
        try post(declared, padded(60_000))
        let refused = try declared.readResponse()
        #expect(refused.status == 503)
        #expect(refused.json["type"]?.string == "urn:cross-entropy-service:problem:overloaded")
        #expect(refused.header("Retry-After") == "1")

        // A chunked body is reserved as it grows: past the budget it is dropped, then answered 503.
        let chunked = try HTTPConnection(port: port)
        let chunkedBody = padded(50_000)
        try chunked.send(
            Array(
                ("POST /cce HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + String(chunkedBody.count, radix: 16) + "\r\n").utf8) + chunkedBody + Array("\r\n0\r\n\r\n".utf8))
        #expect(try chunked.readResponse().status == 503)

        // Small bodies still fit beside the held one.
        #expect(
            try httpRequest(port: port, "POST", "/cce", json: #"{"predictions":[[0.5,0.5]],"labels":[0]}"#).status
                == 200)

        // The held body completes; its bytes return to the budget and the refused size now fits.
        try holder.send(Array(held[50_000...]))
        #expect(try holder.readResponse().status == 200)
        let retried = try HTTPConnection(port: port)
        try post(retried, padded(60_000))
        #expect(try retried.readResponse().status == 200)
        let metrics = try httpRequest(port: port, "GET", "/metrics").text
        #expect(metrics.contains(#"requests_rejected_total{reason="overloaded"} 2"#))
    }
}
