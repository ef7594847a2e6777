import TestSupport
import Testing

@testable import ScoringServer

/// `ignore_index` through the router: what the answer says of ignored samples, that they count
/// nowhere, and the 422s where no library has the option or nothing is left to score.
@Suite struct IgnoreIndexAnswerTests {
    let harness = RouterHarness()

    private func expect422(_ path: String, _ body: String, pointers: [String], containing text: String) {
        let answer = harness.post(path, body)
        #expect(answer.status == 422, "\(body): \(answer.json.jsonText)")
        #expect(answer.pointers == pointers, "\(body)")
        #expect(answer.details.contains { $0.contains(text) }, "\(answer.details) lacks \(text)")
    }

    /// An answer with ignored samples is the answer without them, but for `ignored` and the
    /// nulls in the per-sample arrays: sum, denominator, n, standard error, interval,
    /// accuracy, the prior's normalized entropy and per_class alike.
    @Test func ignoredSamplesCountNowhere() {
        let kept = "[2,1,0.1],[0.5,2.5,0.3],[0.2,0.1,3],[1,1,0]"
        let options = #""convention":"pytorch","class_weights":[2,1,1],"label_smoothing":0.1,"per_class":true"#
        let with = harness.post(
            "/cce",
            #"{"predictions":[[9,-9,0],\#(kept),[0,0,50]],"labels":[-100,0,1,2,1,-100],\#(options)}"#)
        let without = harness.post("/cce", #"{"predictions":[\#(kept)],"labels":[0,1,2,1],\#(options)}"#)
        #expect(with.status == 200 && without.status == 200, "\(with.json.jsonText)")
        for field in [
            "loss", "sum", "denominator", "standard_error", "interval", "n", "accuracy", "normalized_entropy",
            "perplexity", "band", "per_class",
        ] {
            #expect(with.json[field] != nil, "\(field)")
            #expect(with.json[field] == without.json[field], "\(field)")
        }
        #expect(with.json["n"]?.int == 4)
        #expect(with.json["ignored"]?.int == 2)
        #expect(without.json["ignored"] == nil)
        #expect(with.json["settings"]?["ignore_index"]?.int == -100)
        let losses = with.json["losses"]?.array ?? []
        #expect(losses.count == 6)
        #expect(losses.first == .null && losses.last == .null)
        #expect(Array(losses[1...4]) == without.json["losses"]?.array)
        let bands = with.json["bands"]?.array ?? []
        #expect(bands.first == .null && bands.last == .null)
        #expect(Array(bands[1...4]) == without.json["bands"]?.array)
    }

    /// An explicit ignore_index under the document convention (any integer, a class index too);
    /// without it, the document has no ignored label and -100 stays out of range.
    @Test func explicitUnderTheDocument() {
        let answer = harness.post(
            "/cce", #"{"predictions":[[0.2,0.8],[0.6,0.4],[0.5,0.5]],"labels":[1,0,1],"ignore_index":0}"#)
        #expect(answer.status == 200)
        #expect(answer.json["n"]?.int == 2)
        #expect(answer.json["settings"]?["ignore_index"]?.int == 0)
        #expect(answer.json["losses"]?.array?[1] == .null)
        let plain = harness.post("/cce", #"{"predictions":[[0.2,0.8],[0.6,0.4]],"labels":[1,0]}"#)
        #expect(plain.json["settings"]?["ignore_index"] == nil)
        expect422(
            "/cce", #"{"predictions":[[0.2,0.8],[0.6,0.4]],"labels":[1,-100]}"#, pointers: ["/labels/1"],
            containing: "out of range")
    }

    @Test func refusals() {
        let two = #""predictions":[[0.2,0.8],[0.6,0.4]]"#
        expect422(
            "/cce", #"{\#(two),"labels":[-100,-100],"convention":"pytorch","input":"logits"}"#, pointers: ["/labels"],
            containing: "every label is ignore_index (-100)")
        expect422(
            "/cce", #"{\#(two),"labels":[1,-1],"ignore_index":-1,"sample_weights":[0,1]}"#,
            pointers: ["/sample_weights"], containing: "not ignored")
        expect422(
            "/cce", #"{\#(two),"labels":[1,0],"ignore_index":-1,"convention":"sklearn"}"#,
            pointers: ["/ignore_index"], containing: "scikit-learn")
        expect422(
            "/cce", #"{\#(two),"labels":[1,0],"ignore_index":-1,"convention":"keras"}"#,
            pointers: ["/ignore_index"], containing: "Keras")
        expect422(
            "/cce", #"{\#(two),"labels":[1,-100],"convention":"keras"}"#, pointers: ["/labels/1"],
            containing: "out of range")
        expect422(
            "/bce", #"{\#(two),"labels":[[1,0],[0,1]],"ignore_index":-1}"#, pointers: ["/ignore_index"],
            containing: "binary cross-entropy has none")
        expect422(
            "/cce", #"{\#(two),"labels":[[0,1],[1,0]],"ignore_index":-1}"#, pointers: ["/ignore_index"],
            containing: "class-index labels")
        expect422(
            "/cce", #"{\#(two),"labels":[1,0],"ignore_index":-1.5}"#, pointers: ["/ignore_index"],
            containing: "must be an integer")
        expect422(
            "/cce", #"{\#(two),"labels":[1,0],"ignore_index":1e300}"#, pointers: ["/ignore_index"],
            containing: "must be an integer")
    }

    /// Batch jobs take it too; PyTorch's row labels (soft targets) have no ignored samples.
    @Test func batchJobsAndRowLabels() {
        let answer = harness.post(
            "/batch",
            #"{"jobs":[{"id":"a","loss":"cce","convention":"pytorch","predictions":[[1,2],[3,4]],"labels":[-100,1],"model":"m"},{"id":"b","loss":"cce","convention":"pytorch","predictions":[[1,2],[3,4]],"labels":[[0,1],[1,0]]}]}"#
        )
        let results = answer.json["results"]?.array ?? []
        #expect(results.count == 2)
        #expect(results.first?["result"]?["n"]?.int == 1)
        #expect(results.first?["result"]?["ignored"]?.int == 1)
        #expect(results.first?["result"]?["model"]?.string == "m")
        #expect(results.last?["result"]?["n"]?.int == 2)
        #expect(results.last?["result"]?["settings"]?["ignore_index"] == nil)
    }
}
