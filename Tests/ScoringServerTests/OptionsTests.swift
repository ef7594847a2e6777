import Foundation
import Testing

/// Weights, smoothing and clipping options: validated with pointers, and reflected in settings.
@Suite struct OptionsTests {
    let harness = RouterHarness()
    let base = #""predictions":[[0.5,0.25,0.25],[0.125,0.75,0.125]],"labels":[0,1]"#

    @Test func sampleWeightsAreChecked() {
        #expect(harness.post("/cce", "{\(base),\"sample_weights\":[1]}").pointers == ["/sample_weights"])
        #expect(harness.post("/cce", "{\(base),\"sample_weights\":[1,-1]}").pointers == ["/sample_weights/1"])
        #expect(harness.post("/cce", "{\(base),\"sample_weights\":[0,0]}").pointers == ["/sample_weights"])
        let answer = harness.post("/cce", "{\(base),\"sample_weights\":[3,1]}")
        #expect(answer.json["loss"]?.double == (3 + -log2(0.75)) / 4)
        #expect(answer.json["settings"]?["reduction"]?.string == "sample-weighted mean over samples")
    }

    @Test func weightsBelongToTheirLoss() {
        #expect(harness.post("/cce", "{\(base),\"pos_weight\":[1,1,1]}").pointers == ["/pos_weight"])
        let bce = #"{"predictions":[[0.8,0.4]],"labels":[[1,0]],"class_weights":[1,1]}"#
        #expect(harness.post("/bce", bce).pointers == ["/class_weights"])
        #expect(harness.post("/cce", "{\(base),\"class_weights\":[1,1]}").pointers == ["/class_weights"])
        let weighted = harness.post("/cce", "{\(base),\"class_weights\":[2,1,1]}")
        #expect(weighted.json["losses"]?.doubles == [2, -log2(0.75)])
        #expect(weighted.json["settings"]?["class_weights"] == .bool(true))
    }

    @Test func smoothingAndEpsilonRanges() {
        #expect(harness.post("/cce", "{\(base),\"label_smoothing\":1}").pointers == ["/label_smoothing"])
        #expect(harness.post("/cce", "{\(base),\"label_smoothing\":-0.1}").pointers == ["/label_smoothing"])
        #expect(harness.post("/cce", "{\(base),\"epsilon\":0.5}").pointers == ["/epsilon"])
        #expect(harness.post("/cce", "{\(base),\"epsilon\":0}").pointers == ["/epsilon"])
        #expect(harness.post("/cce", "{\(base),\"epsilon\":1e-7,\"input\":\"logits\"}").pointers == ["/epsilon"])
        let smoothed = harness.post("/cce", "{\(base),\"label_smoothing\":0.3}")
        #expect(smoothed.json["settings"]?["label_smoothing"]?.double == 0.3)
    }

    @Test func epsilonSetsTheClip() {
        let answer = harness.post("/cce", #"{"predictions":[[0,1]],"labels":[0],"epsilon":1e-7}"#)
        #expect(answer.json["loss"]?.double == -log2(1e-7))
        #expect(answer.json["settings"]?["clip_epsilon"]?.double == 1e-7)
    }

    @Test func theIssuesTypoIsCaught() {
        let answer = harness.post("/cce", "{\(base),\"sample_weight\":[1,1]}")
        #expect(answer.status == 422)
        #expect(answer.details == ["unknown field 'sample_weight'; did you mean 'sample_weights'?"])
    }

    @Test func evaluationFigures() {
        let json = harness.post("/cce", "{\(base),\"base\":\"e\"}").json
        let loss = json["loss"]?.double ?? .nan
        #expect(json["perplexity"]?.double == exp(loss))
        #expect(json["accuracy"]?.double == 1)
        // Labels 0 and 1 once each: the prior is [0.5, 0.5, 0], whose loss is ln 2.
        #expect(abs((json["normalized_entropy"]?.double ?? 0) - loss / log(2.0)) < 1e-15)
        let logits = harness.post("/cce", #"{"predictions":[[1e307,-1e307]],"labels":[1],"input":"logits"}"#).json
        #expect(logits["perplexity"] == nil)  // 2^(2.9e307) is beyond float64
        #expect(logits["settings"]?["clip_epsilon"] == .null)
    }
}
