import Testing

@testable import ScoringServer

/// What a client sends can only cost what it sent: unknown members are counted, not each
/// given a suggestion, and names and ids come back cut.
@Suite struct AmplificationTests {
    let harness = RouterHarness()

    @Test func manyUnknownMembersAreCountedAndTheFirstTwentyListed() {
        let members = (0..<5000).map { "\"m\(100_000 + $0)\":0" }.joined(separator: ",")
        let answer = harness.post("/cce", "{\"predictions\":[[0.5,0.5]],\"labels\":[0],\(members)}")
        #expect(answer.status == 422)
        #expect(answer.json["type"]?.string == "urn:cross-entropy-service:problem:unknown-field")
        #expect(answer.json["detail"]?.string == "5000 problems in the request; the first 20 are listed")
        // The first twenty by name, whatever order the decoder gives the members in.
        #expect(answer.pointers == (0..<20).map { "/m\(100_000 + $0)" })
    }

    @Test func aHugeMemberNameIsCutWhereverItIsEchoed() {
        let name = String(repeating: "x", count: 100_000)
        let answer = harness.post("/cce", "{\"predictions\":[[0.5,0.5]],\"labels\":[0],\"\(name)\":1}")
        #expect(answer.status == 422)
        let cut = String(repeating: "x", count: ClientText.maximumNameLength) + "…"
        #expect(answer.pointers == ["/" + cut])
        #expect(answer.details[0].hasPrefix("unknown field '\(cut)'; known fields: predictions, labels"))
        #expect(answer.body.count < 2_000)
    }

    @Test func unknownOptionValuesAreCutToo() {
        let name = String(repeating: "k", count: 10_000)
        let answer = harness.post("/cce", "{\"predictions\":[[0.5,0.5]],\"labels\":[0],\"convention\":\"\(name)\"}")
        #expect(answer.status == 422)
        #expect(answer.body.count < 1_000)
    }

    @Test func batchIDsAreEchoedCut() {
        let id = String(repeating: "i", count: 1_000)
        let answer = harness.post(
            "/batch", "{\"jobs\":[{\"id\":\"\(id)\",\"loss\":\"cce\",\"predictions\":[[0.5,0.5]],\"labels\":[0]}]}")
        #expect(answer.status == 200)
        let echoed = answer.json["results"]?[0]?["id"]?.string
        #expect(echoed == String(repeating: "i", count: ClientText.maximumIDLength) + "…")
    }

    @Test func cuttingKeepsShortTextAndWholeScalars() {
        #expect(ClientText.cut("per_sample") == "per_sample")
        let emoji = String(repeating: "😀", count: 70)
        #expect(ClientText.cut(emoji) == String(repeating: "😀", count: 64) + "…")
    }
}

/// What the summary of a long list of problems says (an outside tester found the old counts
/// wrong past the 20th problem).
@Suite struct ProblemCountTests {
    let harness = RouterHarness()

    @Test func aFullListOfValueProblemsSaysThereMayBeMore() {
        let rows = Array(repeating: "[2,2,2]", count: 30).joined(separator: ",")
        let labels = Array(repeating: "0", count: 30).joined(separator: ",")
        let answer = harness.post("/cce", "{\"predictions\":[\(rows)],\"labels\":[\(labels)]}")
        #expect(answer.status == 422)
        #expect(answer.pointers.count == 20)
        #expect(answer.json["detail"]?.string == "20 problems listed; there may be more")
    }

    @Test func aShortListIsCountedExactly() {
        let answer = harness.post("/cce", #"{"predictions":[[2,0],[0,2]],"labels":[0,1]}"#)
        #expect(answer.json["detail"]?.string == "2 problems in the request")
        #expect(answer.pointers == ["/predictions/0/0", "/predictions/1/1"])
    }
}
