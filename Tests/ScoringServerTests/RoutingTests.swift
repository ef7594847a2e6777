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

    @Test func goodRequestsPassTheScreen() {
        let head = RequestHead(method: "POST", path: "/cce", contentType: nil, contentLength: 10)
        let resolution = harness.router.resolve(head)
        #expect(resolution.label == "/cce")
        guard case .buffer(let perByte, _) = resolution.admission else {
            Issue.record("a good request was answered at its headers")
            return
        }
        #expect(perByte == MemoryCharge.scoring)
    }

    @Test func indexListsTheRoutes() {
        let answer = harness.send("GET", "/")
        #expect(answer.status == 200)
        let routes = answer.json["routes"]?.strings ?? []
        #expect(routes.contains("POST /cce") && routes.contains("POST /bce") && routes.contains("POST /batch"))
        #expect(routes.contains("POST /compare"))
        #expect(routes.count == ServiceRoute.allCases.count)
        #expect(routes.contains("GET /bands"))
        let limits = answer.json["limits"]
        #expect(limits?["max_body_bytes"]?.int == 64 * 1024 * 1024)
        #expect(limits?["max_samples"]?.int == 1_000_000 && limits?["max_jobs"]?.int == 10_000)
    }

    @Test func indexListsTheConfiguredLimits() {
        let dependencies = ServiceRoutes.Dependencies(
            limits: ScoringLimits(maxSamples: 7, maxClasses: 8, maxElements: 9, maxJobs: 3),
            transport: ServerConfiguration(
                maxBodyBytes: 1234, memoryBudgetBytes: 5678, memoryBudgetPerAddressBytes: 910)
        )
        let answer = RouterHarness(router: ServiceRoutes.router(dependencies)).send("GET", "/")
        #expect(answer.status == 200)
        let limits = answer.json["limits"]
        #expect(limits?["max_body_bytes"]?.int == 1234)
        #expect(limits?["max_samples"]?.int == 7)
        #expect(limits?["max_classes"]?.int == 8)
        #expect(limits?["max_elements"]?.int == 9)
        #expect(limits?["max_jobs"]?.int == 3)
        #expect(limits?["memory_budget_bytes"]?.int == 5678)
        #expect(limits?["memory_budget_per_address_bytes"]?.int == 910)
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
        // max_loss_bits is a number or absent (a typed client's field); the chance level's edge,
        // which depends on C, is a rule of its own.
        #expect(cce.allSatisfy { $0["max_loss_bits"] == nil || $0["max_loss_bits"]?.double != nil })
        #expect(cce.compactMap { $0["max_loss_bits"]?.double }.count == 4)
        #expect(cce[4]["max_loss_bits"] == nil && cce[4]["max_loss_bits_rule"]?.string == "log2(classes)")
        #expect(cce.compactMap { $0["max_loss_bits_rule"] }.count == 1)
    }
}
