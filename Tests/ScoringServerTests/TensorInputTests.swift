import Foundation
import TestSupport
import Testing

/// Matrices sent as tensor objects: base64 (float64 or float32, little-endian) or flat data.
@Suite struct TensorInputTests {
    let harness = RouterHarness()

    private func base64(_ values: [Double]) -> String {
        var bytes = [UInt8]()
        for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 } }
        return Data(bytes).base64EncodedString()
    }

    private func base64Float32(_ values: [Float]) -> String {
        var bytes = [UInt8]()
        for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 } }
        return Data(bytes).base64EncodedString()
    }

    @Test func base64Float64GivesTheSameAnswerAsArrays() {
        let arrays = harness.post("/cce", Fixtures.seedCCE)
        let tensor = harness.post(
            "/cce",
            "{\"predictions\":{\"shape\":[1,3],\"dtype\":\"float64\",\"data_base64\":\"\(base64([0.2, 0.7, 0.1]))\"},\"labels\":[1]}"
        )
        #expect(tensor.status == 200)
        #expect(tensor.body == arrays.body)
    }

    @Test func float32IsWidenedExactly() {
        let values: [Float] = [0.25, 0.75]
        let answer = harness.post(
            "/cce",
            "{\"predictions\":{\"shape\":[1,2],\"dtype\":\"float32\",\"data_base64\":\"\(base64Float32(values))\"},\"labels\":[1]}"
        )
        #expect(answer.json["loss"]?.double == -log2(0.75))
    }

    @Test func flatDataAndTensorLabels() {
        let answer = harness.post(
            "/bce",
            #"{"predictions":{"shape":[1,3],"data":[0.8,0.4,0.6]},"labels":{"shape":[1,3],"data":[1,0,1]}}"#
        )
        #expect(answer.json["loss"]?.double == 1.795_859_283_219_774_8)
        let indices = harness.post(
            "/cce",
            #"{"predictions":{"shape":[2,2],"data":[0.5,0.5,0.25,0.75]},"labels":{"shape":[2],"data":[0,1]}}"#
        )
        #expect(indices.json["losses"]?.doubles == [1, -log2(0.75)])
    }

    @Test func brokenTensorsAre422WithPointers() {
        let cases: [(String, String)] = [
            (#"{"predictions":{"shape":[1,3],"data":[0.5,0.5]},"labels":[0]}"#, "/predictions/data"),
            (#"{"predictions":{"shape":[3],"data":[0.2,0.7,0.1]},"labels":[0]}"#, "/predictions/shape"),
            (#"{"predictions":{"shape":[1,2],"data_base64":"!!!"},"labels":[0]}"#, "/predictions/data_base64"),
            (#"{"predictions":{"shape":[1,2],"data_base64":"AAAA"},"labels":[0]}"#, "/predictions/data_base64"),
            (
                #"{"predictions":{"shape":[1,2],"dtype":"int8","data_base64":"AAAA"},"labels":[0]}"#,
                "/predictions/dtype"
            ),
            (#"{"predictions":{"shape":[1,2],"data":[0.5,0.5],"dtpye":"float64"},"labels":[0]}"#, "/predictions/dtpye"),
            (#"{"predictions":{"data":[0.5,0.5]},"labels":[0]}"#, "/predictions/shape"),
            (#"{"predictions":{"shape":[1,2]},"labels":[0]}"#, "/predictions"),
            (#"{"predictions":[[0.5,0.5]],"labels":{"shape":[2],"data":[0]}}"#, "/labels/data"),
        ]
        for (body, pointer) in cases {
            let answer = harness.post("/cce", body)
            #expect(answer.status == 422, "\(body)")
            #expect(answer.pointers == [pointer], "\(body): \(answer.details)")
        }
    }

    /// Text outside the base64 alphabet is told so, whatever its length (an outside tester got
    /// "got 3 bytes" for `!!!!`); valid base64 of the wrong length is told its size.
    @Test func base64IsCheckedBeforeItsSize() {
        let notBase64 = harness.post("/cce", #"{"predictions":{"shape":[1,2],"data_base64":"!!!!"},"labels":[0]}"#)
        #expect(notBase64.details == ["data_base64 is not valid base64"])
        let short = harness.post("/cce", #"{"predictions":{"shape":[1,2],"data_base64":"AAAA"},"labels":[0]}"#)
        #expect(short.details.first?.contains("got 3 bytes") == true, "\(short.details)")
    }

    @Test func binaryDataCannotSmuggleNaN() {
        let answer = harness.post(
            "/cce",
            "{\"predictions\":{\"shape\":[1,2],\"data_base64\":\"\(base64([.nan, 0.5]))\"},\"labels\":[0]}"
        )
        #expect(answer.status == 422)
        #expect(answer.details.first?.contains("finite") == true)
    }

    @Test func neitherArrayNorObjectIs400() {
        let answer = harness.post("/cce", #"{"predictions":"0.5,0.5","labels":[0]}"#)
        #expect(answer.status == 400)
        #expect(answer.pointers == ["/predictions"])
    }
}
