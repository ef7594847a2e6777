import TestSupport
import Testing

/// HTTP behaviour: routing errors, body limits, keep-alive, 100-continue, chunked bodies.
@Suite struct HTTPProtocolTests {
    var port: UInt16 { ServiceProcess.shared.port }
    let example = Array(Fixtures.seedCCE.utf8)

    @Test func unknownRouteAndWrongMethod() throws {
        let missing = try httpRequest(port: port, "GET", "/nowhere")
        #expect(missing.status == 404)
        #expect(missing.header("Content-Type") == "application/problem+json")
        let wrong = try httpRequest(port: port, "GET", "/cce")
        #expect(wrong.status == 405)
        #expect(wrong.header("Allow") == "POST")
        let put = try httpRequest(port: port, "PUT", "/batch", json: "{}")
        #expect(put.status == 405)
    }

    @Test func nonJSONContentTypeIs415() throws {
        let answer = try httpRequest(
            port: port, "POST", "/cce", json: "a=b", headers: [("Content-Type", "application/x-www-form-urlencoded")])
        #expect(answer.status == 415)
        #expect(answer.header("Content-Type") == "application/problem+json")
    }

    @Test func keepAliveServesManyRequestsOnOneConnection() throws {
        let connection = try HTTPConnection(port: port)
        for _ in 0..<5 {
            try connection.send("POST", "/cce", headers: [("Content-Type", "application/json")], body: example)
            let answer = try connection.readResponse()
            #expect(answer.status == 200)
            #expect(answer.json["loss"]?.double == 0.514_573_172_829_758_3)
        }
    }

    @Test func expectContinueIsHonoured() throws {
        let connection = try HTTPConnection(port: port)
        try connection.send(
            jsonRequestHead("POST", "/cce", "Content-Length: \(example.count)", "Expect: 100-continue")
        )
        let interim = try connection.readResponse(skipContinue: false)
        #expect(interim.status == 100)
        try connection.send(example)
        let answer = try connection.readResponse()
        #expect(answer.status == 200)
        #expect(answer.json["band"]?.string == "moderate")
    }

    @Test func chunkedBodiesAreAssembled() throws {
        let connection = try HTTPConnection(port: port)
        var request =
            jsonRequestHead("POST", "/cce", "Transfer-Encoding: chunked")
        let text = String(decoding: example, as: UTF8.self)
        let middle = text.index(text.startIndex, offsetBy: 10)
        for part in [String(text[..<middle]), String(text[middle...])] {
            request += String(part.utf8.count, radix: 16) + "\r\n" + part + "\r\n"
        }
        request += "0\r\n\r\n"
        try connection.send(request)
        let answer = try connection.readResponse()
        #expect(answer.status == 200)
        #expect(answer.json["loss"]?.double == 0.514_573_172_829_758_3)
    }

    @Test func duplicateContentLengthIs400() throws {
        let connection = try HTTPConnection(port: port)
        try connection.send(
            jsonRequestHead("POST", "/cce", "Content-Length: \(example.count)", "Content-Length: 5")
        )
        try connection.send(example)
        let answer = try connection.readResponse()
        #expect(answer.status == 400)
    }

    @Test func contentLengthWithTransferEncodingIs400() throws {
        let connection = try HTTPConnection(port: port)
        let text = String(decoding: example, as: UTF8.self)
        try connection.send(
            "POST /cce HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n" + String(text.utf8.count, radix: 16) + "\r\n" + text
                + "\r\n0\r\n\r\n"
        )
        let answer = try connection.readResponse()
        #expect(answer.status == 400)
        #expect(answer.json["detail"]?.string?.contains("Transfer-Encoding") == true)
    }

    @Test func declaredOversizeBodyIsRefusedWithoutReadingIt() throws {
        // The body is never sent: the answer must come from the headers alone.
        let small = try ServiceProcess.start(extraArguments: ["--max-body-bytes", "1000"])
        defer { small.stop() }
        let connection = try HTTPConnection(port: small.port, timeoutSeconds: 10)
        try connection.send(
            jsonRequestHead("POST", "/cce", "Content-Length: 5000000"))
        let answer = try connection.readResponse()
        #expect(answer.status == 413)
        #expect(answer.header("Content-Type") == "application/problem+json")
        // Under the limit still works.
        #expect(
            try httpRequest(port: small.port, "POST", "/cce", json: String(decoding: example, as: UTF8.self)).status
                == 200)
    }

    @Test func chunkedBodyGrowingPastTheLimitIs413() throws {
        let small = try ServiceProcess.start(extraArguments: ["--max-body-bytes", "1000"])
        defer { small.stop() }
        let connection = try HTTPConnection(port: small.port, timeoutSeconds: 10)
        var request =
            jsonRequestHead("POST", "/cce", "Transfer-Encoding: chunked")
        let chunk = String(repeating: " ", count: 600)
        for _ in 0..<3 { request += "258\r\n" + chunk + "\r\n" }
        request += "0\r\n\r\n"
        try connection.send(request)
        let answer = try connection.readResponse()
        #expect(answer.status == 413)
    }

    @Test func garbageDoesNotStopTheServer() throws {
        // libmicrohttpd waits on NUL bytes until the connection timeout; do not wait for it.
        let connection = try HTTPConnection(port: port, timeoutSeconds: 1)
        try connection.send([0, 1, 2, 255, 13, 10, 13, 10])
        _ = try? connection.readResponse()
        let aborted = try HTTPConnection(port: port)
        try aborted.send(
            jsonRequestHead("POST", "/cce", "Content-Length: 100") + "{\"pred")
        // Closing `aborted` mid-body must not disturb anyone else.
        let answer = try httpRequest(port: port, "POST", "/cce", json: String(decoding: example, as: UTF8.self))
        #expect(answer.status == 200)
    }
}
