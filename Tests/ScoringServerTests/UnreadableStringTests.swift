import Testing

@testable import ScoringServer

/// A string JSONDecoder cannot read (a lone surrogate, a raw control character, bytes that are
/// not UTF-8) is reported where the service read it, without decoding the body again: an outside
/// tester's 11 KB body (such a string beside an unknown member holding 5,000 zeros nested 500
/// deep) took 17–21 s to answer while the old error path walked the whole document again.
@Suite struct UnreadableStringTests {
    let harness = RouterHarness()

    static let invalidEscape = "this string cannot be read: an invalid escape, such as a lone UTF-16 surrogate"
    static let unreadableName =
        "a member name in this object cannot be read: an invalid escape, such as a lone UTF-16 surrogate"

    /// 5,000 zeros nested 500 deep (10 a level): about 11 KB.
    static let deepZeros =
        String(repeating: "[0,0,0,0,0,0,0,0,0,0,", count: 500).dropLast() + String(repeating: "]", count: 500)

    struct Site: Sendable, CustomStringConvertible {
        let path: String
        /// The body, with `MEMBER` where the unknown member goes.
        let body: String
        let pointer: String
        var detail = UnreadableStringTests.invalidEscape
        var description: String { body }
    }

    static let sites = [
        Site(
            path: "/cce", body: #"{"predictions":[[0.5,0.5]],"labels":[1],"convention":"\ud800",MEMBER}"#,
            pointer: "/convention"),
        Site(
            path: "/cce", body: #"{"predictions":[[0.5,0.5]],"labels":[1],"input":"\udfff",MEMBER}"#, pointer: "/input"),
        Site(
            path: "/cce", body: "{\"predictions\":[[0.5,0.5]],\"labels\":[1],\"input\":\"\u{1F}\",MEMBER}",
            pointer: "/input",
            detail: "this string cannot be read: it holds a raw control character (U+0000 to U+001F must be escaped)"),
        Site(path: "/cce", body: #"{"predictions":[[0.5,0.5]],"labels":[1],"base":"\ud800",MEMBER}"#, pointer: "/base"),
        Site(
            path: "/cce",
            body: #"{"predictions":{"shape":[1,2],"dtype":"\ud800","data_base64":"AAAA"},"labels":[1],MEMBER}"#,
            pointer: "/predictions/dtype"),
        Site(
            path: "/cce", body: #"{"predictions":{"shape":[1,2],"data_base64":"\ud800"},"labels":[1],MEMBER}"#,
            pointer: "/predictions/data_base64"),
        Site(
            path: "/cce", body: #"{"predictions":[[0.5,0.5]],"labels":[1],"\ud800":0,MEMBER}"#, pointer: "",
            detail: unreadableName),
        Site(
            path: "/bce", body: #"{"predictions":{"shape":[1],"\ud800":0,"data":[0.5]},"labels":[1],MEMBER}"#,
            pointer: "/predictions", detail: unreadableName),
        Site(path: "/batch", body: #"{"jobs":[{"id":"\ud800","loss":"cce",MEMBER}]}"#, pointer: "/jobs/0/id"),
        Site(path: "/batch", body: #"{"jobs":[],"\ud800":0,MEMBER}"#, pointer: "", detail: unreadableName),
    ]

    /// Several member names: the old walk visited members in the order of a randomly seeded
    /// dictionary, so whether a body was slow depended on the name and the process.
    static let names = ["a", "zz", "padding", "m100000", "junk", "predictionz", "~1", "x/y"]

    @Test(arguments: sites)
    func aStringThatCannotBeReadIsNamedAtItsReadSiteBesideADeepUnknownMember(_ site: Site) {
        for name in Self.names {
            let body = site.body.replacing("MEMBER", with: "\"\(name)\":\(Self.deepZeros)")
            #expect(body.utf8.count > 10_000)
            let answer = harness.post(site.path, body)
            let problem =
                site.path == "/batch" && site.pointer.hasPrefix("/jobs/")
                ? answer.json["results"]?[0]?["error"] : answer.json
            #expect(answer.status == (site.path == "/batch" && site.pointer.hasPrefix("/jobs/") ? 200 : 400))
            #expect(problem?["status"]?.int == 400)
            #expect(problem?["detail"]?.string == site.detail)
            #expect(problem?["errors"]?[0]?["pointer"]?.string == site.pointer)
        }
    }

    /// The pointer comes from the read that failed, not from a walk over the document: a walk
    /// would find the unread member's string first for some names (members come in hash order).
    @Test func theReadSiteIsNamedEvenWhenAnUnreadMemberHoldsABadStringToo() {
        for name in Self.names + ["b", "c", "d", "e", "f", "g", "h", "i"] {
            let answer = harness.post(
                "/cce", #"{"predictions":[[0.5,0.5]],"labels":[1],"convention":"\ud800","\#(name)":["\udc00"]}"#)
            #expect(answer.status == 400)
            #expect(answer.pointers == ["/convention"])
        }
    }

    @Test func aBatchJobWhoseIdCannotBeReadIsNamedAtItsId() {
        // The job also has an unknown member and a bad loss: the id comes first, with no id to echo.
        let answer = harness.post(
            "/batch",
            #"{"jobs":[{"id":"\ud800","loss":"x\udc00","nope":1},{"id":"b","loss":"cce","predictions":[[0.5,0.5]],"labels":[0]}]}"#
        )
        #expect(answer.status == 200)
        let results = answer.json["results"]?.array ?? []
        #expect(results.map { $0["status"]?.int } == [400, 200])
        #expect(results[0]["id"] == .null)
        #expect(results[0]["error"]?["detail"]?.string == Self.invalidEscape)
        #expect(results[0]["error"]?["errors"]?[0]?["pointer"]?.string == "/jobs/0/id")
    }

    @Test func aBatchJobWithAnUnreadableLossKeepsItsId() {
        let answer = harness.post("/batch", #"{"jobs":[{"id":"a","loss":"c\ud800e"}]}"#)
        #expect(answer.json["results"]?[0]?["id"]?.string == "a")
        #expect(answer.json["results"]?[0]?["error"]?["errors"]?[0]?["pointer"]?.string == "/jobs/0/loss")
    }

    @Test func aStringThatIsNotUTF8IsNamedWhereItIsRead() {
        let body =
            Array(#"{"predictions":[[0.5,0.5]],"labels":[1],"convention":"k"#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        let answer = harness.send("POST", "/cce", bytes: body)
        #expect(answer.status == 400)
        #expect(answer.json["detail"]?.string == "this string cannot be read: its bytes are not UTF-8")
        #expect(answer.pointers == ["/convention"])
    }

    @Test func nestingPastJSONDecodersLimitSaysTheLimit() {
        func body(depth: Int) -> String {
            // The body object is the first level.
            #"{"predictions":[[0.5,0.5]],"labels":[1],"x":"#
                + String(repeating: "[", count: depth - 1) + String(repeating: "]", count: depth - 1) + "}"
        }
        #expect(harness.post("/cce", body(depth: 512)).status == 422)  // read, then x is unknown
        let answer = harness.post("/cce", body(depth: 513))
        #expect(answer.status == 400)
        #expect(
            answer.json["detail"]?.string
                == "not valid JSON: arrays and objects nest 513 deep; JSONDecoder reads at most 512 levels")
        // Brackets inside strings are text.
        let quoted = #"{"predictions":[[0.5,0.5]],"labels":[1],"x":""# + String(repeating: "[", count: 600) + #""}x"#
        #expect(harness.post("/cce", quoted).json["detail"]?.string == "not valid JSON")
    }

    @Test func integersBeyond2To53SayTheyCannotBeRepresentedExactly() {
        let answer = harness.post("/cce", #"{"predictions":[[0.5,0.5]],"labels":[9007199254740993]}"#)
        #expect(answer.status == 422)
        #expect(
            answer.details == [
                "class index 9007199254740992.0 (as read: float64 cannot represent every integer beyond 2^53 exactly) is out of range [0, 2)"
            ])
        let small = harness.post("/cce", #"{"predictions":[[0.5,0.5]],"labels":[9007199254740991]}"#)
        #expect(small.details == ["class index 9007199254740991 is out of range [0, 2)"])
        // A whole number reads as it was sent.
        let three = harness.post("/cce", #"{"predictions":[[0.5,0.5]],"labels":[3]}"#)
        #expect(three.details == ["class index 3 is out of range [0, 2)"])
    }
}
