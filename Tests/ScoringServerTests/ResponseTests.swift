import Foundation
import TestSupport
import Testing

/// The 200 answers: every field of the contract, in the requested base.
@Suite struct ResponseTests {
    let harness = RouterHarness()

    @Test func categoricalAnswerHasEveryField() {
        let answer = harness.post("/cce", Fixtures.seedCCE)
        #expect(answer.status == 200)
        #expect(answer.contentType == "application/json")
        let text = String(decoding: answer.body, as: UTF8.self)
        #expect(
            text
                == #"{"loss":0.5145731728297583,"sum":0.5145731728297583,"denominator":1,"base":2,"unit":"bits","n":1,"classes":3,"band":"moderate","perplexity":1.4285714285714286,"accuracy":1,"settings":{"convention":"document","base":2,"input":"probabilities","clipping":"clipped to [epsilon, 1 - epsilon]","clip_epsilon":2.220446049250313e-16,"label_smoothing":0,"reduction":"mean over samples","class_weights":false,"confidence":0.95},"losses":[0.5145731728297583],"bands":["moderate"]}"#
        )
    }

    @Test func binaryAnswerHasEveryField() {
        let answer = harness.post("/bce", Fixtures.seedBCE)
        let text = String(decoding: answer.body, as: UTF8.self)
        #expect(
            text
                == #"{"loss":1.7958592832197748,"mean_per_element":0.5986197610732583,"sum":1.7958592832197748,"denominator":1,"base":2,"unit":"bits","n":1,"classes":3,"band":"moderately_wrong","accuracy":1,"settings":{"convention":"document","base":2,"input":"probabilities","clipping":"clipped to [epsilon, 1 - epsilon]","clip_epsilon":2.220446049250313e-16,"label_smoothing":0,"reduction":"sum over classes, then mean over samples","class_weights":false,"confidence":0.95},"class_losses":[0.3219280948873623,0.7369655941662062,0.7369655941662062],"losses":[1.7958592832197748],"bands":["moderately_wrong"]}"#
        )
    }

    @Test(arguments: [("2", "bits"), ("\"e\"", "nats"), ("10", "hartleys")])
    func baseIsEchoedWithItsUnit(base: String, unit: String) {
        let answer = harness.post("/cce", "{\"predictions\":[[0.5,0.5]],\"labels\":[0],\"base\":\(base)}")
        #expect(answer.status == 200)
        #expect(answer.json["unit"]?.string == unit)
        let text = String(decoding: answer.body, as: UTF8.self)
        #expect(text.contains("\"base\":\(base),"))
    }

    @Test func perSampleFalseOmitsTheArrays() {
        let cce = harness.post("/cce", #"{"predictions":[[0.5,0.5],[0.9,0.1]],"labels":[0,0],"per_sample":false}"#).json
        #expect(cce["losses"] == nil && cce["bands"] == nil)
        #expect(cce["n"]?.int == 2 && cce["loss"] != nil)
        let bce = harness.post("/bce", #"{"predictions":[[0.5,0.5]],"labels":[[0,1]],"per_sample":false}"#).json
        #expect(bce["losses"] == nil && bce["class_losses"] != nil)
    }

    @Test func meanAndSumOverSamples() {
        let json = harness.post("/cce", #"{"predictions":[[0.5,0.5],[0.75,0.25]],"labels":[0,1]}"#).json
        #expect(json["losses"]?.doubles == [1, 2])
        #expect(json["sum"]?.double == 3)
        #expect(json["loss"]?.double == 1.5)
        #expect(json["bands"]?.strings == ["low", "wrong"])
    }

    @Test func logitsInput() {
        // log-softmax of [0, ln 3] gives p = [1/4, 3/4].
        let json = harness.post(
            "/cce", "{\"predictions\":[[0,\(log(3.0))]],\"labels\":[1],\"input\":\"logits\",\"base\":\"e\"}"
        ).json
        let loss = json["loss"]?.double ?? .nan
        #expect(abs(loss - -log(0.75)) < 1e-15)
    }
}
