import Foundation
import TestSupport
import Testing

/// `denominator`, `standard_error`, `interval`, `confidence` and `per_class` in answers.
@Suite struct UncertaintyAnswerTests {
    let harness = RouterHarness()

    @Test func twoSamplesCarryEveryFigure() {
        // Losses 1 and 2 bits: SE = sqrt(2 · (0.25 + 0.25)) / 2 = 0.5; the interval is scipy's
        // t.interval(0.95, 1, loc=1.5, scale=0.5).
        let answer = harness.post(
            "/cce", #"{"predictions":[[0.5,0.5],[0.75,0.25]],"labels":[0,1],"per_sample":false}"#)
        let text = String(decoding: answer.body, as: UTF8.self)
        #expect(
            text.hasPrefix(
                #"{"loss":1.5,"sum":3,"denominator":2,"standard_error":0.5,"interval":[-4.853102368087347,7.853102368087347],"base":2,"#
            ), "\(text)")
        #expect(text.contains(#""class_weights":false,"confidence":0.95}"#))
    }

    @Test func confidenceIsEchoedAndWidensTheInterval() throws {
        let body = #"{"predictions":[[0.5,0.5],[0.75,0.25],[0.9,0.1]],"labels":[0,1,0],"confidence":0.5}"#
        let json = harness.post("/cce", body).json
        #expect(json["settings"]?["confidence"]?.double == 0.5)
        let interval = try #require(json["interval"]?.doubles)
        let loss = try #require(json["loss"]?.double)
        let error = try #require(json["standard_error"]?.double)
        // t(0.75, 2) = 0.816496580927726 (scipy.stats.t.ppf).
        #expect(abs(interval[1] - (loss + 0.816496580927726 * error)) <= 1e-14 * loss)
        #expect(abs(interval[0] - (loss - 0.816496580927726 * error)) <= 1e-14 * loss)
    }

    @Test(arguments: ["0", "1", "1.5", "-0.2"]) func confidenceOutsideTheOpenUnitIntervalIs422(value: String) {
        let answer = harness.post("/cce", #"{"predictions":[[0.5,0.5]],"labels":[0],"confidence":"# + value + "}")
        #expect(answer.status == 422)
        #expect(answer.json["errors"]?[0]?["pointer"]?.string == "/confidence")
    }

    @Test func aConfidenceThatIsNotANumberIs400() {
        let answer = harness.post("/cce", #"{"predictions":[[0.5,0.5]],"labels":[0],"confidence":"high"}"#)
        #expect(answer.status == 400)
    }

    @Test func oneSampleHasNoErrorNorInterval() {
        let json = harness.post("/cce", #"{"predictions":[[0.5,0.5]],"labels":[0]}"#).json
        #expect(json["denominator"]?.double == 1)
        #expect(json["standard_error"] == nil && json["interval"] == nil)
    }

    @Test func hugeWeightsStayA200WithoutTheDenominator() {
        // Σ s = 2e308 is beyond float64; Σ s·L = 1e308 · (2 − log2 3) · 2 is not.
        let answer = harness.post(
            "/cce", #"{"predictions":[[0.75,0.25],[0.25,0.75]],"labels":[0,1],"sample_weights":[1e308,1e308]}"#)
        #expect(answer.status == 200)
        #expect(answer.json["denominator"] == nil)
        #expect(abs((answer.json["loss"]?.double ?? .nan) - (2 - log2(3))) < 1e-15)
        #expect((answer.json["standard_error"]?.double).map { $0 < 1e-15 } == true)
    }

    @Test func pytorchClassWeightsDivideByTheirSum() {
        // PyTorch's weighted mean divides by Σ w_y = 2 + 3.
        let body =
            #"{"convention":"pytorch","predictions":[[0,0],[0,0]],"labels":[0,1],"class_weights":[2,3],"per_sample":false}"#
        let json = harness.post("/cce", body).json
        #expect(json["denominator"]?.double == 5)
        #expect(json["loss"]?.double == (json["sum"]?.double ?? .nan) / 5)
        // Both samples lose ln 2 per unit of weight: no spread.
        #expect(json["standard_error"]?.double.map { abs($0) < 1e-16 } == true)
    }

    @Test func perClassGivesEachTrueClassMean() {
        let body =
            #"{"predictions":[[0.5,0.25,0.25],[0.25,0.5,0.25],[0.5,0.25,0.25]],"labels":[0,1,0],"per_class":true}"#
        let json = harness.post("/cce", body).json
        let text = String(decoding: harness.post("/cce", body).body, as: UTF8.self)
        #expect(text.contains(#""per_class":[{"class":0,"n":2,"loss":1},{"class":1,"n":1,"loss":1}]"#), "\(text)")
        #expect(json["losses"] != nil)
    }

    @Test func perClassIsForIndexLabelsOnCCE() {
        let bce = harness.post("/bce", #"{"predictions":[[0.5]],"labels":[[1]],"per_class":true}"#)
        #expect(bce.status == 422)
        #expect(bce.json["errors"]?[0]?["pointer"]?.string == "/per_class")
        let soft = harness.post("/cce", #"{"predictions":[[0.5,0.5]],"labels":[[0.5,0.5]],"per_class":true}"#)
        #expect(soft.status == 422)
        #expect(soft.json["errors"]?[0]?["pointer"]?.string == "/per_class")
        let off = harness.post("/cce", #"{"predictions":[[0.5,0.5]],"labels":[0],"per_class":false}"#)
        #expect(off.status == 200 && off.json["per_class"] == nil)
    }

    @Test func batchJobsCarryTheirOwnFigures() {
        let body =
            #"{"jobs":[{"id":"a","loss":"cce","predictions":[[0.5,0.5],[0.75,0.25]],"labels":[0,1],"confidence":0.9},{"id":"b","loss":"bce","convention":"pytorch","predictions":[[0.5,0.5],[0.5,0.5]],"labels":[[1,0],[0,1]]}]}"#
        let json = harness.post("/batch", body).json
        #expect(json["results"]?[0]?["status"]?.int == 200, "\(json)")
        let first = json["results"]?[0]?["result"]
        #expect(first?["standard_error"]?.double == 0.5)
        #expect(first?["settings"]?["confidence"]?.double == 0.9)
        // PyTorch's BCE mean runs over n·C elements: the denominator is 2 · 2.
        #expect(json["results"]?[1]?["result"]?["denominator"]?.double == 4)
    }
}
