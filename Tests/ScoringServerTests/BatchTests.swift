import Foundation
import Testing

/// /batch: results in order, one bad job fails alone, large batches scored in parallel.
@Suite struct BatchTests {
    let harness = RouterHarness()

    @Test func aFailingJobDoesNotFailTheOthers() {
        let body = """
            {"jobs":[
              {"id":"dog","loss":"cce","predictions":[[0.2,0.7,0.1]],"labels":[1]},
              {"id":"typo","loss":"bce","predictions":[[0.5,"x"]],"labels":[[1,0]]},
              {"id":"rules","loss":"cce","predictions":[[0.5,0.6]],"labels":[0]},
              {"id":"what","loss":"mse","predictions":[[0.5,0.5]],"labels":[0]},
              {"loss":"cce","predictions":[[0.5,0.5]],"labels":[0]},
              {"id":"cat-rabbit","loss":"bce","predictions":[[0.8,0.4,0.6]],"labels":[[1,0,1]]}
            ]}
            """
        let answer = harness.post("/batch", body)
        #expect(answer.status == 200)
        let results = answer.json["results"]?.array ?? []
        #expect(results.compactMap { $0["status"]?.int } == [200, 400, 422, 422, 422, 200])
        #expect(results.map { $0["id"]?.string } == ["dog", "typo", "rules", "what", nil, "cat-rabbit"])
        // `kind` is always there: the job's loss once read, even when the job then fails; null
        // when the job could not be decoded or its loss is unknown.
        #expect(results.map { $0["kind"]?.jsonText } == [#""cce""#, "null", #""cce""#, "null", #""cce""#, #""bce""#])
        #expect(results[0]["result"]?["loss"]?.double == 0.514_573_172_829_758_3)
        #expect(results[5]["result"]?["band"]?.string == "moderately_wrong")
        let pointers = results.map { $0["error"]?.problemPointers.first }
        #expect(
            pointers == [nil, "/jobs/1/predictions/0/1", "/jobs/2/predictions/0", "/jobs/3/loss", "/jobs/4/id", nil])
    }

    @Test func largeBatchesKeepTheirOrder() {
        // Enough values to take the parallel path.
        let row = "[0.25,0.75]"
        let rows = Array(repeating: row, count: 2_000).joined(separator: ",")
        let labels = Array(repeating: "1", count: 2_000).joined(separator: ",")
        let jobs = (0..<12).map { i in
            "{\"id\":\"job-\(i)\",\"loss\":\"\(i % 2 == 0 ? "cce" : "bce")\",\"predictions\":[\(rows)],\"labels\":[\(i % 2 == 0 ? labels : rows)],\"per_sample\":false}"
        }
        let answer = harness.post("/batch", "{\"jobs\":[\(jobs.joined(separator: ","))]}")
        let results = answer.json["results"]?.array ?? []
        #expect(results.compactMap { $0["id"]?.string } == (0..<12).map { "job-\($0)" })
        #expect(results.allSatisfy { $0["status"]?.int == 200 })
        // 2,000 equal losses: the mean may differ from each by the last bit of the division.
        let first = results[0]["result"]?["loss"]?.double ?? 0
        #expect(abs(first - -log2(0.75)) <= 1e-16)
    }

    @Test func batchLevelErrors() {
        #expect(harness.post("/batch", #"{"jobs":[]}"#).status == 422)
        #expect(harness.post("/batch", #"{}"#).pointers == ["/jobs"])
        #expect(harness.post("/batch", #"{"job":[]}"#).details.first?.contains("did you mean 'jobs'?") == true)
        #expect(harness.post("/batch", #"{"jobs":{}}"#).status == 400)
        #expect(harness.post("/batch", #"{"jobs":[1, {"id":"a"}]}"#).status == 200)
    }

    /// A failing job's error lists at most `problemsPerFailedJob` problems and counts the rest,
    /// so 10,000 bad jobs cannot answer 20 problems each; a request on its own lists up to 20.
    @Test func aFailingJobListsFewProblems() {
        let unknown = (0..<8).map { "\"x\($0)\":0" }.joined(separator: ",")
        let job = #"{"id":"a","loss":"cce","predictions":[[0.5,0.5]],"labels":[0],"# + unknown + "}"
        let answer = harness.post("/batch", #"{"jobs":["# + job + "," + job + "]}")
        let results = answer.json["results"]?.array ?? []
        #expect(results.count == 2)
        for (index, result) in results.enumerated() {
            let error = result["error"]
            #expect(error?.problemPointers == (0..<3).map { "/jobs/\(index)/x\($0)" })
            #expect(error?["detail"]?.string == "8 problems in the job; the first 3 are listed")
            #expect(error?["type"]?.string == "urn:cross-entropy-service:problem:unknown-field")
        }
        let alone = harness.post("/cce", #"{"predictions":[[0.5,0.5]],"labels":[0],"# + unknown + "}")
        #expect(alone.pointers.count == 8)
    }
}
