import TestSupport
import Testing

@testable import ScoringServer

/// Results beyond float64 are a 422 at the field that causes them, found before anything is
/// written; never a trap (which, inside /batch, would take every request in flight with it).
@Suite struct NonFiniteResultTests {
    let harness = RouterHarness()
    let seed = #""predictions":[[0.2,0.7,0.1],[0.2,0.7,0.1]],"labels":[1,1]"#

    @Test func hugeSampleWeightsGiveAnExactMeanAndAFiniteSum() {
        // Σ s_i = 2e308 used to overflow (and inf - inf gave NaN in the compensated sum).
        let answer = harness.post("/cce", "{\(seed),\"sample_weights\":[1e308,1e308]}")
        #expect(answer.status == 200)
        #expect(answer.json["loss"]?.double == Fixtures.seedCCEBits)
        #expect(answer.json["sum"]?.double == 1.0291463456595166e308)
    }

    @Test func aSubnormalSampleWeightStillWeighsItsSample() {
        let answer = harness.post(
            "/cce", #"{"predictions":[[0.2,0.7,0.1],[0.2,0.7,0.1]],"labels":[1,0],"sample_weights":[5e-324,0]}"#)
        #expect(answer.json["loss"]?.double == Fixtures.seedCCEBits)
    }

    @Test func eachCauseIsNamed() {
        let max = "1.7976931348623157e308"
        let cases: [(path: String, body: String, pointer: String)] = [
            ("/cce", "{\(seed),\"sample_weights\":[\(max),\(max)]}", "/sample_weights"),
            ("/cce", "{\(seed),\"class_weights\":[1,\(max),1]}", "/class_weights"),
            ("/bce", #"{"predictions":[[1e-300]],"labels":[[1]],"pos_weight":[\#(max)]}"#, "/pos_weight"),
            ("/cce", #"{"predictions":[[-1.7e308,1.7e308]],"labels":[0],"input":"logits"}"#, "/predictions"),
            ("/bce", #"{"predictions":[[-1.7e308]],"labels":[[1]],"input":"logits","base":2}"#, "/predictions"),
            (
                "/cce",
                #"{"predictions":[[-1.7e308,1.7e308]],"labels":[[0.5,0.5]],"input":"logits","label_smoothing":0.5}"#,
                "/predictions"
            ),
        ]
        for (path, body, pointer) in cases {
            let answer = harness.post(path, body)
            #expect(answer.status == 422, "\(body)")
            #expect(answer.pointers == [pointer], "\(body)")
            let batch = harness.post(
                "/batch", "{\"jobs\":[{\"id\":\"x\",\"loss\":\"\(path.dropFirst())\",\(body.dropFirst())]}")
            #expect(batch.json["results"]?[0]?["error"]?.problemPointers == ["/jobs/0" + pointer], "\(body)")
        }
    }

    @Test func aZeroClassWeightOnAnInfiniteLogIsZero() {
        // 0 · (-infinity) is NaN in float64; a term with weight 0 contributes exactly 0.
        let answer = harness.post(
            "/cce",
            #"{"predictions":[[-1.7e308,1.7e308],[0,0]],"labels":[0,1],"input":"logits","class_weights":[0,1]}"#)
        #expect(answer.status == 200)
        #expect(answer.json["losses"]?.doubles == [0, 1])
        #expect(answer.json["loss"]?.double == 0.5)
    }

    @Test func theWriterNeverTraps() {
        var json = JSONWriter()
        json.numbers([1, .infinity, -.infinity, .nan])
        #expect(String(decoding: json.bytes, as: UTF8.self) == "[1,null,null,null]")
    }
}
