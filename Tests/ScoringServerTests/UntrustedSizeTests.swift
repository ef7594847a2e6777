import Testing

@testable import ScoringServer

/// Sizes a client states (a first row's length, a row count, a tensor shape) never size an
/// allocation beyond what the body can hold.
@Suite struct UntrustedSizeTests {
    let harness = RouterHarness()
    /// A first row of 77,000 values followed by 52,000 empty rows: 310 KB that once asked for a
    /// 32 GB reservation (77,000 × 52,001 doubles) and aborted the process.
    let crashShape =
        "[[" + Array(repeating: "0", count: 77_000).joined(separator: ",") + "]"
        + String(repeating: ",[]", count: 52_000) + "]"

    @Test func reservationsAreCappedByTheBody() {
        #expect(BodyCapacity.reservation(rows: 52_001, columns: 77_000, in: StubDecoder(bodyBytes: 310_000)) == 155_001)
        #expect(BodyCapacity.reservation(rows: Int.max, columns: Int.max, in: StubDecoder(bodyBytes: 10)) == 6)
        #expect(BodyCapacity.reservation(rows: 3, columns: 2, in: StubDecoder(bodyBytes: 1000)) == 6)
        // Up to 4,096 numbers (32 KiB) are reserved as asked, whatever the body; beyond, an unknown
        // body size reserves nothing.
        #expect(BodyCapacity.reservation(rows: 3, columns: 2, in: StubDecoder(bodyBytes: nil)) == 6)
        #expect(BodyCapacity.reservation(rows: 64, columns: 64, in: StubDecoder(bodyBytes: 10)) == 4096)
        #expect(BodyCapacity.reservation(rows: 65, columns: 64, in: StubDecoder(bodyBytes: nil)) == 0)
    }

    @Test func aHugeFirstRowFollowedByEmptyRowsIsA422() {
        let predictions = harness.post("/cce", "{\"predictions\":\(crashShape),\"labels\":[0]}")
        #expect(predictions.status == 422)
        #expect(predictions.pointers == ["/predictions/1"])
        let labels = harness.post("/bce", "{\"predictions\":[[0.5,0.5]],\"labels\":\(crashShape)}")
        #expect(labels.status == 422)
        #expect(labels.pointers == ["/labels/1"])
        let batch = harness.post(
            "/batch", "{\"jobs\":[{\"id\":\"a\",\"loss\":\"cce\",\"predictions\":\(crashShape),\"labels\":[0]}]}")
        #expect(batch.status == 200)
        #expect(batch.json["results"]?[0]?["error"]?.problemPointers == ["/jobs/0/predictions/1"])
    }

    @Test func shapesThatDisagreeWithTheDataAre422() {
        for shape in ["[1000000000, 1000000000]", "[4611686018427387904, 4]", "[3, 0]", "[0, 3]"] {
            let answer = harness.post(
                "/cce", "{\"predictions\":{\"shape\":\(shape),\"data\":[0.5,0.5]},\"labels\":[0]}")
            #expect(answer.status == 422, "shape \(shape)")
            let base64 = harness.post(
                "/cce", "{\"predictions\":{\"shape\":\(shape),\"data_base64\":\"AAAAAAAA4D8=\"},\"labels\":[0]}")
            #expect(base64.status == 422, "shape \(shape)")
        }
    }
}

/// A decoder that only carries userInfo, as JSONBody sets it.
private struct StubDecoder: Decoder {
    let codingPath: [any CodingKey] = []
    let userInfo: [CodingUserInfoKey: Any]

    init(bodyBytes: Int?) {
        var info: [CodingUserInfoKey: Any] = [:]
        if let key = BodyCapacity.key, let bodyBytes { info[key] = bodyBytes }
        userInfo = info
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "stub"))
    }
    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "stub"))
    }
    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "stub"))
    }
}
