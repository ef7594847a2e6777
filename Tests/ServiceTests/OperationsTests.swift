import Foundation
import TestSupport
import Testing

/// Health, readiness, the served spec, the index and request ids.
@Suite struct OperationsTests {
    var port: UInt16 { ServiceProcess.shared.port }

    @Test func healthAndReadiness() throws {
        let health = try httpRequest(port: port, "GET", "/healthz")
        #expect(health.status == 200)
        #expect(health.json["status"]?.string == "ok")
        let ready = try httpRequest(port: port, "GET", "/readyz")
        #expect(ready.status == 200)
        #expect(ready.json["status"]?.string == "ready")
    }

    @Test func servesTheSpecFromTheRepository() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "../../openapi.yaml")
        let answer = try httpRequest(port: port, "GET", "/openapi.yaml")
        #expect(answer.status == 200)
        #expect(answer.header("Content-Type") == "application/yaml")
        #expect(answer.body == Array(try Data(contentsOf: url)))
    }

    @Test func indexNamesTheServiceAndItsRoutes() throws {
        let index = try httpRequest(port: port, "GET", "/").json
        #expect(index["name"]?.string == "cross-entropy-service")
        #expect(index["version"]?.string?.isEmpty == false)
        let routes = index["routes"]?.strings ?? []
        for route in ["GET /healthz", "GET /readyz", "GET /metrics", "GET /openapi.yaml", "POST /cce"] {
            #expect(routes.contains(route), "\(route)")
        }
    }

    @Test func aValidRequestIdIsEchoed() throws {
        let answer = try httpRequest(port: port, "GET", "/healthz", headers: [("X-Request-Id", "trace-42/abc")])
        #expect(answer.header("X-Request-Id") == "trace-42/abc")
        let error = try httpRequest(port: port, "GET", "/missing", headers: [("X-Request-Id", "err-1")])
        #expect(error.status == 404)
        #expect(error.header("X-Request-Id") == "err-1")
    }

    @Test(arguments: [String(repeating: "a", count: 129), "has space", "tab\there", ""])
    func anInvalidRequestIdIsReplaced(incoming: String) throws {
        let answer = try httpRequest(port: port, "GET", "/healthz", headers: [("X-Request-Id", incoming)])
        let id = answer.header("X-Request-Id") ?? ""
        #expect(id != incoming)
        #expect(id.count == 32 && id.allSatisfy(\.isHexDigit))
    }

    @Test func everyAnswerHasAFreshIdWhenNoneIsGiven() throws {
        let first = try httpRequest(port: port, "POST", "/cce", json: #"{"predictions":[[0.5,0.5]],"labels":[0]}"#)
        let second = try httpRequest(port: port, "POST", "/cce", json: "{")
        let ids = [first, second].compactMap { $0.header("X-Request-Id") }
        #expect(ids.count == 2 && ids[0] != ids[1])
    }
}
