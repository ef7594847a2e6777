import Testing

/// 400 answers: the body is not JSON, or not JSON of the expected types; the pointer comes
/// from JSONDecoder's coding path.
@Suite struct DecodingErrorTests {
    let harness = RouterHarness()

    @Test(arguments: [
        "", "not json", #"{"predictions":[[0.2,0.7,0.1]],"labels":[1"#, "[1,2]", "42",
        #"{"predictions":[[NaN,0.7,0.3]],"labels":[1]}"#,
        #"{"predictions":[[Infinity,0.7,0.3]],"labels":[1]}"#,
        #"{"predictions":[[0.2,0.7,0.1]],"labels":[1]} trailing"#,
    ])
    func malformedBodiesAre400(body: String) {
        let answer = harness.post("/cce", body)
        #expect(answer.status == 400)
        #expect(answer.contentType == "application/problem+json")
        #expect(answer.json["type"]?.string == "urn:cross-entropy-service:problem:invalid-json")
    }

    @Test func wrongTypeInsideTheMatrixPointsAtTheValue() {
        let answer = harness.post("/cce", #"{"predictions":[[0.2,0.7,0.1],[0.5,"x",0.5]],"labels":[1,0]}"#)
        #expect(answer.status == 400)
        #expect(answer.pointers == ["/predictions/1/1"])
    }

    @Test func wrongTypesOfOptionsPointAtTheField() {
        #expect(
            harness.post("/cce", #"{"predictions":[[0.5,0.5]],"labels":[1],"per_sample":"no"}"#).pointers == [
                "/per_sample"
            ])
        #expect(harness.post("/cce", #"{"predictions":[[0.5,0.5]],"labels":[1],"base":true}"#).pointers == ["/base"])
        #expect(harness.post("/cce", #"{"predictions":[[0.5,0.5]],"labels":[1],"input":3}"#).pointers == ["/input"])
        #expect(harness.post("/cce", #"{"predictions":[0.5,0.5],"labels":[1]}"#).pointers == ["/predictions/0"])
        #expect(harness.post("/cce", #"{"predictions":[[0.5,0.5]],"labels":[[1,0],3]}"#).pointers == ["/labels/1"])
    }

    @Test func numbersOutsideFloat64AreRejected() {
        let answer = harness.post("/cce", #"{"predictions":[[1e400,0.5]],"labels":[1]}"#)
        #expect(answer.status == 400)
    }

    @Test func nullMeansAbsent() {
        let answer = harness.post("/cce", #"{"predictions":[[0.3,0.7]],"labels":[1],"base":null,"input":null}"#)
        #expect(answer.status == 200)
        let missing = harness.post("/cce", #"{"predictions":null,"labels":[1]}"#)
        #expect(missing.status == 422)
        #expect(missing.pointers == ["/predictions"])
    }
}
