import Foundation
import TestSupport
import Testing

/// A binary classifier's `predict_proba(X)[:, 1]` as it comes: a flat list (or a tensor of
/// shape [n]) of predictions on /bce, read as n × 1, with flat 0/1 labels.
@Suite struct FlatBinaryPredictionsTests {
    let harness = RouterHarness()

    /// The same two samples as rows of one column.
    private let nested = #"{"predictions":[[0.8],[0.4]],"labels":[[1],[0]]}"#

    @Test func aFlatListIsOneColumn() {
        let reference = harness.post("/bce", nested)
        #expect(reference.status == 200)
        let flat = harness.post("/bce", #"{"predictions":[0.8,0.4],"labels":[1,0]}"#)
        #expect(flat.status == 200)
        #expect(flat.body == reference.body)
        // −(log₂ 0.8 + log₂ 0.6) / 2 bits, per sample summed over its one class.
        let expected = -(log2(0.8) + log2(0.6)) / 2
        #expect(abs((flat.json["loss"]?.double ?? 0) - expected) <= 1e-15)
        #expect(flat.json["n"]?.int == 2 && flat.json["classes"]?.int == 1)
    }

    @Test func aTensorOfShapeNIsOneColumn() {
        let reference = harness.post("/bce", nested)
        let data = harness.post("/bce", #"{"predictions":{"shape":[2],"data":[0.8,0.4]},"labels":[1,0]}"#)
        #expect(data.status == 200)
        #expect(data.body == reference.body)
        var bytes = [UInt8]()
        for value in [0.8, 0.4] { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 } }
        let base64 = Data(bytes).base64EncodedString()
        let packed = harness.post(
            "/bce", "{\"predictions\":{\"shape\":[2],\"data_base64\":\"\(base64)\"},\"labels\":[1,0]}")
        #expect(packed.body == reference.body)
    }

    @Test func aBatchJobTakesTheFlatForm() {
        let answer = harness.post(
            "/batch", #"{"jobs":[{"id":"a","loss":"bce","predictions":[0.8,0.4],"labels":[1,0]}]}"#)
        #expect(answer.status == 200)
        let reference = harness.post("/bce", nested).json["loss"]?.double
        #expect(answer.json["results"]?[0]?["result"]?["loss"]?.double == reference)
    }

    @Test func problemsPointAtTheSample() {
        let outside = harness.post("/bce", #"{"predictions":[0.8,1.5,-0.1],"labels":[1,0,1]}"#)
        #expect(outside.status == 422)
        #expect(outside.pointers == ["/predictions/1", "/predictions/2"])
        let count = harness.post("/bce", #"{"predictions":[0.8,0.4],"labels":[1,0,1]}"#)
        #expect(count.status == 422)
        #expect(count.pointers == ["/labels"])
        let label = harness.post("/bce", #"{"predictions":[0.8,0.4],"labels":[1,2]}"#)
        #expect(label.status == 422)
        #expect(label.pointers == ["/labels/1"])
    }

    @Test func categoricalLossRefusesOneColumn() {
        let flat = harness.post("/cce", #"{"predictions":[0.8,0.4],"labels":[1,0]}"#)
        #expect(flat.status == 422)
        #expect(flat.pointers == ["/predictions"])
        #expect(flat.details.first?.contains("/bce only") == true)
        let tensor = harness.post("/cce", #"{"predictions":{"shape":[2],"data":[0.8,0.4]},"labels":[1,0]}"#)
        #expect(tensor.status == 422)
        #expect(tensor.pointers == ["/predictions/shape"])
    }
}
