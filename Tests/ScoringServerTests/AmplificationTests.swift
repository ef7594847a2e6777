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
        // A cut name is no pointer: the pointer is the object's, and the words say the name was cut.
        #expect(answer.pointers == [""])
        #expect(
            answer.details[0].hasPrefix(
                "unknown field '\(cut)' (name cut to its first 64 characters; the pointer is its object's); known fields: predictions, labels"
            ))
        #expect(answer.body.count < 2_000)
    }

    @Test func aHugeUnknownNameInATensorOrABatchJobPointsAtItsObject() {
        let name = String(repeating: "t", count: 10_000)
        let tensor = harness.post(
            "/cce", "{\"predictions\":{\"shape\":[1,2],\"data\":[0.5,0.5],\"\(name)\":1},\"labels\":[0]}")
        #expect(tensor.status == 422)
        #expect(tensor.pointers == ["/predictions"])
        let job = harness.post(
            "/batch",
            "{\"jobs\":[{\"id\":\"a\",\"loss\":\"cce\",\"predictions\":[[0.5,0.5]],\"labels\":[0],\"\(name)\":1}]}")
        #expect(job.json["results"]?[0]?["error"]?["errors"]?[0]?["pointer"]?.string == "/jobs/0")
        let top = harness.post("/batch", "{\"jobs\":[],\"\(name)\":1}")
        #expect(top.pointers.contains(""))
        // A short name that ends in "…" is not cut: it is pointed at.
        let short = harness.post("/cce", #"{"predictions":[[0.5,0.5]],"labels":[0],"a…":1}"#)
        #expect(short.pointers == ["/a…"])
    }

    @Test func aHugeDuplicateMemberIsCutAndPointsAtItsObject() {
        let name = String(repeating: "d", count: 1 << 20)
        for (path, body, pointer) in [
            ("/cce", "{\"predictions\":[[0.5,0.5]],\"labels\":[0],\"\(name)\":1,\"\(name)\":2}", ""),
            (
                "/cce",
                "{\"predictions\":{\"shape\":[1,2],\"data\":[0.5,0.5],\"\(name)\":1,\"\(name)\":2},\"labels\":[0]}",
                "/predictions"
            ),
        ] {
            let answer = harness.post(path, body)
            #expect(answer.status == 400)
            #expect(answer.body.count < 1_000)
            #expect(answer.pointers == [pointer])
            let cut = String(repeating: "d", count: ClientText.maximumNameLength) + "…"
            #expect(
                answer.json["detail"]?.string
                    == "the member '\(cut)' (name cut to its first 64 characters; the pointer is its object's) occurs more than once in its object; send it once"
            )
        }
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
