import TestSupport
import Testing

/// Bodies are UTF-8 JSON sent as is: other content codings, charsets and encodings are 415s
/// that say how to send the body right.
@Suite struct MediaTypeTests {
    let harness = RouterHarness()
    let body = Fixtures.seedCCE

    @Test(arguments: ["application/json; charset=utf-8", "application/json;charset=\"UTF-8\"", "application/json"])
    func utf8IsAccepted(contentType: String) {
        #expect(harness.send("POST", "/cce", body: body, contentType: contentType).status == 200)
    }

    @Test(arguments: ["application/json; charset=utf-16", "application/json; charset=latin1"])
    func otherCharsetsAre415(contentType: String) {
        let answer = harness.send("POST", "/cce", body: body, contentType: contentType)
        #expect(answer.status == 415)
        #expect(answer.json["detail"]?.string?.contains("JSON bodies are UTF-8") == true)
    }

    @Test func formBodiesFromCurlDashDGetTheFix() {
        let answer = harness.send("POST", "/cce", body: body, contentType: "application/x-www-form-urlencoded")
        #expect(answer.status == 415)
        #expect(
            answer.json["detail"]?.string
                == "Content-Type is 'application/x-www-form-urlencoded'; send application/json (curl: add -H 'Content-Type: application/json', or use curl --json)"
        )
    }

    @Test(arguments: ["gzip", "br", "identity, gzip"])
    func contentCodingsAre415WithAcceptEncoding(encoding: String) {
        let answer = harness.send("POST", "/cce", body: body, contentEncoding: encoding)
        #expect(answer.status == 415)
        #expect(answer.headers.contains { $0.name == "Accept-Encoding" && $0.value == "identity" })
    }

    @Test func identityIsNoCoding() {
        #expect(harness.send("POST", "/cce", body: body, contentEncoding: "identity").status == 200)
    }

    @Test func utf16And32BodiesAre415() {
        let utf8 = Array(body.utf8)
        let utf16LE: [UInt8] = utf8.flatMap { [$0, 0] }
        let utf16BE: [UInt8] = [0xFE, 0xFF] + utf8.flatMap { [0, $0] }
        let utf32LE: [UInt8] = utf8.flatMap { [$0, 0, 0, 0] }
        for bytes in [utf16LE, utf16BE, utf32LE] {
            let answer = harness.send("POST", "/cce", bytes: bytes)
            #expect(answer.status == 415)
            #expect(
                answer.json["detail"]?.string == "the body is UTF-16 or UTF-32; send it as UTF-8 (RFC 8259 section 8.1)"
            )
        }
    }
}
