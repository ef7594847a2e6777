import HTTPTransport
import TestSupport
import Testing

@testable import ScoringServer

@Suite struct RoutingTests {
    let harness = RouterHarness()

    @Test func unknownRouteIs404() {
        let answer = harness.send("GET", "/nope")
        #expect(answer.status == 404)
        #expect(answer.contentType == "application/problem+json")
        #expect(answer.json["status"]?.int == 404)
    }

    @Test func wrongMethodIs405WithAllow() {
        let answer = harness.send("GET", "/cce")
        #expect(answer.status == 405)
        #expect(answer.headers.contains { $0.name == "Allow" && $0.value == "POST" })
        let post = harness.send("POST", "/bands")
        #expect(post.status == 405)
        #expect(post.headers.contains { $0.name == "Allow" && $0.value == "GET, HEAD" })
    }

    @Test(arguments: ["text/plain", "application/x-www-form-urlencoded", "application/xml", "json"])
    func nonJSONContentTypeIs415(contentType: String) {
        let answer = harness.send("POST", "/cce", body: "{}", contentType: contentType)
        #expect(answer.status == 415)
    }

    @Test(arguments: [
        "application/json", "application/json; charset=utf-8", "Application/JSON", "application/problem+json",
    ])
    func jsonContentTypesAreAccepted(contentType: String) {
        let answer = harness.send(
            "POST",
            "/cce",
            body: Fixtures.seedCCE,
            contentType: contentType
        )
        #expect(answer.status == 200)
    }

    @Test func duplicateContentLengthIs400() {
        let answer = harness.send("POST", "/cce", body: "{}", contentLengthCount: 2)
        #expect(answer.status == 400)
    }

    @Test func goodRequestsPassTheScreen() {
        let head = RequestHead(method: "POST", path: "/cce", contentType: nil, contentLength: 10, contentLengthCount: 1)
        #expect(harness.router.screen(head) == nil)
    }

    @Test func indexListsTheRoutes() {
        let answer = harness.send("GET", "/")
        #expect(answer.status == 200)
        let routes = answer.json["routes"]?.strings ?? []
        #expect(routes.contains("POST /cce") && routes.contains("POST /bce") && routes.contains("POST /batch"))
        #expect(routes.contains("POST /compare"))
        #expect(routes.count == ServiceRoute.allCases.count)
        #expect(routes.contains("GET /bands"))
    }

    @Test func bandsTableHasEveryBandInOrder() {
        let answer = harness.send("GET", "/bands")
        #expect(answer.status == 200)
        let cce = answer.json["cce"]?["bands"]?.array ?? []
        let bce = answer.json["bce"]?["bands"]?.array ?? []
        #expect(
            cce.compactMap { $0["name"]?.string } == [
                "perfect", "high_confidence", "moderate", "low", "very_low", "wrong",
            ])
        #expect(bce.compactMap { $0["name"]?.string } == ["very_good", "good", "moderately_wrong", "wrong"])
        #expect(cce[1]["min_probability"]?.double == 0.9)
        #expect(bce.compactMap { $0["max_bits"]?.double } == [0.5, 1.0, 2.0])
    }
}
