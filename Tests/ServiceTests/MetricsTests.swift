import Dispatch
import Foundation
import Synchronization
import TestSupport
import Testing

/// GET /metrics: Prometheus text, exact under concurrency.
@Suite struct MetricsTests {
    /// The value of one sample line, e.g. `http_requests_total{route="/cce",status="200"}`.
    private func value(_ exposition: String, _ series: String) -> Double? {
        for line in exposition.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }

    @Test func countersAreExactUnderConcurrency() throws {
        let service = try ServiceProcess.start(extraArguments: ["--threads", "4"])
        defer { service.stop() }
        let clients = 12
        let each = 40
        let failures = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: clients) { _ in
            do {
                let connection = try HTTPConnection(port: service.port)
                for k in 0..<each {
                    let body = k % 4 == 3 ? "{" : #"{"predictions":[[0.2,0.7,0.1],[0.5,0.25,0.25]],"labels":[1,0]}"#
                    try connection.send(
                        "POST", "/cce", headers: [("Content-Type", "application/json")], body: Array(body.utf8))
                    _ = try connection.readResponse()
                }
            } catch {
                failures.withLock { $0 += 1 }
            }
        }
        #expect(failures.withLock { $0 } == 0)
        let total = clients * each
        let answer = try httpRequest(port: service.port, "GET", "/metrics")
        #expect(answer.status == 200)
        #expect(answer.header("Content-Type") == "text/plain; version=0.0.4")
        let text = answer.text
        #expect(value(text, #"http_requests_total{route="/cce",status="200"}"#) == Double(total * 3 / 4))
        #expect(value(text, #"http_requests_total{route="/cce",status="400"}"#) == Double(total / 4))
        #expect(value(text, #"requests_rejected_total{reason="invalid_json"}"#) == Double(total / 4))
        #expect(value(text, #"samples_scored_total{loss="cce"}"#) == Double(total * 3 / 4 * 2))
        #expect(value(text, #"http_request_duration_seconds_count{route="/cce"}"#) == Double(total))
        #expect(value(text, "http_request_body_bytes_count") == Double(total))
        // Only the scrape itself once every answered request has been completed (libmicrohttpd
        // finishes a request just after its last byte is sent, so allow it a moment).
        var inFlight = value(text, "http_requests_in_flight")
        for _ in 0..<40 where inFlight != 1 {
            Thread.sleep(forTimeInterval: 0.05)
            inFlight = value(try httpRequest(port: service.port, "GET", "/metrics").text, "http_requests_in_flight")
        }
        #expect(inFlight == 1)
    }

    @Test func rejectionsAreCountedByReason() throws {
        let service = try ServiceProcess.start(extraArguments: ["--max-body-bytes", "100"])
        defer { service.stop() }
        _ = try httpRequest(port: service.port, "POST", "/cce", json: String(repeating: " ", count: 200))
        _ = try httpRequest(port: service.port, "POST", "/cce", json: "a=b", headers: [("Content-Type", "text/plain")])
        _ = try httpRequest(port: service.port, "POST", "/cce", json: #"{"predictions":[[2,0]],"labels":[0]}"#)
        _ = try httpRequest(port: service.port, "POST", "/cce", json: #"{"predictions":[[1,0]],"labels":[0],"x":1}"#)
        _ = try httpRequest(port: service.port, "GET", "/nowhere")
        let text = try httpRequest(port: service.port, "GET", "/metrics").text
        for reason in ["body_too_large", "unsupported_media_type", "validation", "unknown_field", "not_found"] {
            #expect(value(text, "requests_rejected_total{reason=\"\(reason)\"}") == 1, "\(reason)")
        }
        #expect(value(text, #"http_requests_total{route="unmatched",status="404"}"#) == 1)
    }

    @Test func everyFamilyIsExplainedAndEveryRouteAndStatusIsMadeUpFront() throws {
        let port = ServiceProcess.shared.port
        let text = try httpRequest(port: port, "GET", "/metrics").text
        for family in [
            "http_requests_total", "http_request_duration_seconds", "http_request_body_bytes",
            "http_requests_in_flight", "samples_scored_total", "requests_rejected_total",
        ] {
            #expect(text.contains("# HELP \(family) "), "\(family)")
        }
        // The route labels are GET /'s routes and "unmatched"; a status no route has answered
        // yet is there already, at 0.
        let routes = try httpRequest(port: port, "GET", "/").json["routes"]?.array ?? []
        #expect(routes.count == 9)
        let paths = routes.compactMap { route -> String? in route.string.map { String($0.drop { $0 != "/" }) } }
        for route in paths + ["unmatched"] {
            #expect(value(text, "http_requests_total{route=\"\(route)\",status=\"415\"}") != nil, "\(route)")
        }
        #expect(value(text, #"requests_rejected_total{reason="overloaded"}"#) != nil)
    }
}
