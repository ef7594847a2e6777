import Foundation
import TestSupport
import Testing

/// Structural limits: 422 naming the limit, counted as rejections.
@Suite struct LimitsTests {
    @Test func structuralLimitsAreEnforcedAndNamed() throws {
        let service = try ServiceProcess.start(extraArguments: [
            "--max-samples", "3", "--max-classes", "4", "--max-elements", "10",
            "--max-jobs", "2", "--max-body-bytes", "100000",
        ])
        defer { service.stop() }
        let port = service.port
        func post(_ path: String, _ body: String) throws -> HTTPAnswer {
            try httpRequest(port: port, "POST", path, json: body)
        }

        // GET / tells callers the limits they must split by, as configured.
        let limits = try httpRequest(port: port, "GET", "/").json["limits"]
        #expect(limits?["max_samples"]?.int == 3 && limits?["max_classes"]?.int == 4)
        #expect(limits?["max_elements"]?.int == 10 && limits?["max_jobs"]?.int == 2)
        #expect(limits?["max_body_bytes"]?.int == 100_000)

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
        #expect(metrics.contains(#"cross_entropy_requests_rejected_total{reason="limits"} 5"#))
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
}
