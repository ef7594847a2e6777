import Foundation
import Testing

/// `convention`: the library defaults it sets, the options a library lacks (422 naming it), and
/// the settings that say how the number was made. The numbers themselves are checked against
/// the real libraries by the golden vectors.
@Suite struct ConventionTests {
    let harness = RouterHarness()
    let probabilities = #""predictions":[[0.5,0.25,0.25],[0.125,0.75,0.125]],"labels":[0,1]"#
    let logits = #""predictions":[[2,0,-1],[0.5,1.5,0]],"labels":[0,1]"#
    let binary = #""predictions":[[0.8,0.4],[0,1]],"labels":[[1,0],[1,0]]"#

    @Test func unknownConventionsAreNamed() {
        let answer = harness.post("/cce", "{\(probabilities),\"convention\":\"tensorflow\"}")
        #expect(answer.pointers == ["/convention"])
        #expect(answer.details.first?.contains("'sklearn'") == true)
    }

    @Test func theDocumentIsTheDefault() {
        let settings = harness.post("/cce", "{\(probabilities)}").json["settings"]
        #expect(settings?["convention"]?.string == "document")
        #expect(settings?["base"]?.int == 2)
        #expect(settings?["clipping"]?.string == "clipped to [epsilon, 1 - epsilon]")
    }

    @Test func librariesReportInNatsUnlessTold() {
        let sklearn = harness.post("/cce", "{\(probabilities),\"convention\":\"sklearn\"}").json
        #expect(sklearn["base"]?.string == "e")
        #expect(sklearn["unit"]?.string == "nats")
        #expect(sklearn["loss"]?.double == -(log(0.5) + log(0.75)) / 2)
        #expect(sklearn["settings"]?["base"]?.string == "e")
        let bits = harness.post("/cce", "{\(probabilities),\"convention\":\"sklearn\",\"base\":2}").json
        #expect(bits["loss"]?.double == -(log2(0.5) + log2(0.75)) / 2)
    }

    @Test func pytorchCategoricalTakesLogitsByDefault() {
        let answer = harness.post("/cce", "{\(logits),\"convention\":\"pytorch\"}")
        #expect(answer.status == 200)
        #expect(answer.json["settings"]?["input"]?.string == "logits")
        #expect(answer.json["settings"]?["clipping"]?.string == "none: logits go through log-softmax")
        let explicit = harness.post("/cce", "{\(probabilities),\"convention\":\"pytorch\",\"input\":\"probabilities\"}")
        #expect(explicit.pointers == ["/input"])
    }

    @Test func pytorchDividesAClassWeightedLossByTheLabelledWeights() {
        let body = "{\(logits),\"convention\":\"pytorch\",\"class_weights\":[2,0.5,1]}"
        let json = harness.post("/cce", body).json
        let losses = json["losses"]?.doubles ?? []
        #expect(losses.count == 2)
        #expect(json["loss"]?.double == ((losses.first ?? 0) + (losses.last ?? 0)) / 2.5)
        #expect(json["settings"]?["reduction"]?.string?.hasPrefix("sum over samples / sum of the labelled") == true)
        let zero = "{\(logits),\"convention\":\"pytorch\",\"class_weights\":[0,0,1]}"
        #expect(harness.post("/cce", zero).pointers == ["/class_weights"])
    }

    @Test func pytorchBinaryClampsTheLogAndAveragesOverElements() {
        let json = harness.post("/bce", "{\(binary),\"convention\":\"pytorch\"}").json
        // Row 2 predicts 0 for a positive and 1 for a negative: each log is clamped at -100.
        #expect(json["losses"]?.doubles?.last == 200)
        #expect(json["loss"]?.double == (-log(0.8) - log1p(-0.4) + 200) / 4)
        #expect(json["settings"]?["clip_epsilon"] == .null)
        #expect(json["settings"]?["clipping"]?.string == "none; each log clamped at -100 nats")
        #expect(json["settings"]?["reduction"]?.string == "mean over all elements (PyTorch 'mean')")
    }

    @Test func whatPyTorchLacksIsRefused() {
        let weighted = "{\(logits),\"convention\":\"pytorch\",\"sample_weights\":[1,2]}"
        #expect(harness.post("/cce", weighted).pointers == ["/sample_weights"])
        #expect(
            harness.post("/bce", "{\(binary),\"convention\":\"pytorch\",\"label_smoothing\":0.1}").pointers == [
                "/label_smoothing"
            ])
        let positive = harness.post("/bce", "{\(binary),\"convention\":\"pytorch\",\"pos_weight\":[2,1]}")
        #expect(positive.pointers == ["/pos_weight"])
        #expect(positive.details.first?.contains("binary_cross_entropy_with_logits") == true)
        let withLogits = "{\(binary),\"convention\":\"pytorch\",\"pos_weight\":[2,1],\"input\":\"logits\"}"
        #expect(harness.post("/bce", withLogits).status == 200)
    }

    @Test func whatScikitLearnLacksIsRefused() {
        let lacking = harness.post(
            "/cce", "{\(logits),\"convention\":\"sklearn\",\"input\":\"logits\",\"class_weights\":[1,1,1]}")
        #expect(lacking.pointers == ["/input", "/class_weights"])
        #expect(
            harness.post("/cce", "{\(probabilities),\"convention\":\"sklearn\",\"label_smoothing\":0.1}").pointers
                == ["/label_smoothing"])
        #expect(harness.post("/bce", "{\(binary),\"convention\":\"sklearn\"}").pointers == ["/predictions"])
        let soft = #"{"predictions":[[0.5,0.5]],"labels":[[0.3,0.7]],"convention":"sklearn"}"#
        #expect(harness.post("/cce", soft).pointers == ["/labels"])
        let oneHot = #"{"predictions":[[0.5,0.5]],"labels":[[0,1]],"convention":"sklearn"}"#
        #expect(harness.post("/cce", oneHot).json["loss"]?.double == log(2.0))
        let softBinary = #"{"predictions":[[0.5]],"labels":[0.5],"convention":"sklearn"}"#
        #expect(harness.post("/bce", softBinary).pointers == ["/labels"])
    }

    /// Keras' sparse loss (index labels) has no label_smoothing: refused, with the one-hot
    /// equivalent named; one-hot rows with smoothing are CategoricalCrossentropy's and scored.
    @Test func kerasSparseLabelsTakeNoSmoothing() {
        let sparse = harness.post(
            "/cce", #"{"predictions":[[0.2,0.7,0.1]],"labels":[1],"convention":"keras","label_smoothing":0.1}"#)
        #expect(sparse.status == 422)
        #expect(sparse.pointers == ["/label_smoothing"])
        #expect(sparse.details.first?.contains("one-hot rows") == true)
        let oneHot = harness.post(
            "/cce", #"{"predictions":[[0.2,0.7,0.1]],"labels":[[0,1,0]],"convention":"keras","label_smoothing":0.1}"#)
        #expect(oneHot.status == 200)
    }

    @Test func kerasRenormalisesRowsAndDividesByTheBatchSize() {
        let body =
            #"{"predictions":[[0.5,0.5,0.5],[0.2,0.6,0.2]],"labels":[0,1],"convention":"keras","#
            + #""sample_weights":[1,3]}"#
        let json = harness.post("/cce", body).json
        let expected = (-log(0.5 / 1.5) + 3 * -log(0.6)) / 2
        #expect(abs((json["loss"]?.double ?? 0) - expected) <= 1e-15 * expected)
        #expect(json["settings"]?["clip_epsilon"]?.double == 1e-7)
        #expect(
            json["settings"]?["reduction"]?.string
                == "sample-weighted sum over samples / n (Keras 'sum_over_batch_size')")
        let zeroRow = #"{"predictions":[[0,0,0]],"labels":[0],"convention":"keras"}"#
        #expect(harness.post("/cce", zeroRow).pointers == ["/predictions/0"])
        let weights = #"{"predictions":[[0.5,0.5]],"labels":[0],"convention":"keras","class_weights":[1,2]}"#
        #expect(harness.post("/cce", weights).pointers == ["/class_weights"])
    }

    @Test func kerasBinaryLossesAreMeansOverClasses() {
        let json = harness.post("/bce", "{\(binary),\"convention\":\"keras\"}").json
        // Row 2 predicts 0 for a positive and 1 for a negative: both clipped to 1e-7 away.
        #expect(json["losses"]?.doubles?.last == (-log(1e-7) - log(1 - (1 - 1e-7))) / 2)
        let losses = json["losses"]?.doubles ?? []
        #expect(json["loss"]?.double == losses.reduce(0, +) / 2)
        #expect(
            json["settings"]?["reduction"]?.string?.hasPrefix("mean over classes, then sum over samples / n") == true)
    }

    @Test func batchJobsCarryTheirOwnConvention() {
        let body = """
            {"jobs":[{"id":"a","loss":"cce",\(logits),"convention":"pytorch"},{"id":"b","loss":"cce",\(probabilities)}]}
            """
        let results = harness.post("/batch", body).json["results"]?.array ?? []
        #expect(results.map { $0["result"]?["settings"]?["convention"]?.string } == ["pytorch", "document"])
    }
}
