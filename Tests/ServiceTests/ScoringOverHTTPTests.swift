import TestSupport
import Testing

/// The contract over real HTTP against the real binary.
@Suite struct ScoringOverHTTPTests {
    var port: UInt16 { ServiceProcess.shared.port }

    @Test func documentCategoricalExample() throws {
        let answer = try httpRequest(port: port, "POST", "/cce", json: Fixtures.seedCCE)
        #expect(answer.status == 200)
        #expect(answer.header("Content-Type") == "application/json")
        #expect(answer.json["loss"]?.double == 0.514_573_172_829_758_3)
        #expect(answer.json["band"]?.string == "moderate")
        #expect(answer.json["unit"]?.string == "bits")
        #expect(answer.json["bands"]?.strings == ["moderate"])
    }

    /// Options of the JSON routes are read from the body only: a query parameter would be
    /// ignored without a word (`?per_sample=false` still answered per sample), so it is a 422
    /// naming it, before the body is read.
    @Test(arguments: ["/cce", "/bce", "/batch", "/compare"]) func queryParametersAreRefused(path: String) throws {
        let answer = try httpRequest(port: port, "POST", path + "?per_sample=false", json: Fixtures.seedCCE)
        #expect(answer.status == 422)
        #expect(answer.json["type"]?.string == "urn:cross-entropy-service:problem:unknown-field")
        #expect(answer.pointers == ["/per_sample"])
        #expect(try httpRequest(port: port, "POST", "/cce?", json: Fixtures.seedCCE).status == 200)
    }

    @Test func documentBinaryExample() throws {
        let answer = try httpRequest(
            port: port, "POST", "/bce", json: Fixtures.seedBCE)
        #expect(answer.status == 200)
        #expect(answer.json["loss"]?.double == 1.795_859_283_219_774_8)
        #expect(answer.json["band"]?.string == "moderately_wrong")
        let classLosses = answer.json["class_losses"]?.doubles ?? []
        #expect(classLosses.map { ($0 * 1e6).rounded() / 1e6 } == [0.321928, 0.736966, 0.736966])
        #expect(answer.json["mean_per_element"]?.double == 1.795_859_283_219_774_8 / 3)
    }

    /// Losses beyond float64 in the answer's base before their weights, or whose z − max is,
    /// but within it as answered: 200 with the exact value (checked with Python's fractions:
    /// 0.75e308 / ln 2 and 2 · 1.7e308 / ln 10, each rounded once), not a 422.
    @Test func lossesThatOnlyOverflowBeforeTheirWeightsAreAnswered() throws {
        let bits = 1.082_021_280_666_722_7e308
        let hartleys = 1.476_601_238_471_056e308
        let cases: [(path: String, body: String, loss: Double)] = [
            ("/cce", #"{"predictions":[[-1.5e308,0]],"labels":[0],"input":"logits","class_weights":[0.5,1]}"#, bits),
            ("/cce", #"{"predictions":[[-1.7e308,1.7e308]],"labels":[0],"input":"logits","base":10}"#, hartleys),
            ("/bce", #"{"predictions":[[-1.5e308]],"labels":[[1]],"input":"logits","pos_weight":[0.5]}"#, bits),
            (
                "/bce",
                #"{"predictions":[[1.5e308],[-1.5e308]],"labels":[[0],[0]],"input":"logits","sample_weights":[0.5,0.5],"per_sample":false}"#,
                bits
            ),
        ]
        for (path, body, loss) in cases {
            let answer = try httpRequest(port: port, "POST", path, json: body)
            #expect(answer.status == 200, "\(body): \(answer.text)")
            #expect(answer.json["loss"]?.double == loss, "\(body)")
        }
        // In nats the first is answered as it always was; the second is beyond float64 there.
        let nats = try httpRequest(
            port: port, "POST", "/cce",
            json: #"{"predictions":[[-1.5e308,0]],"labels":[0],"input":"logits","class_weights":[0.5,1],"base":"e"}"#)
        #expect(nats.json["loss"]?.double == 0.75e308)
        let beyond = try httpRequest(
            port: port, "POST", "/cce",
            json: #"{"predictions":[[-1.7e308,1.7e308]],"labels":[0],"input":"logits","base":"e"}"#)
        #expect(beyond.status == 422)
        #expect(beyond.json.problemPointers == ["/predictions"])
    }

    @Test func bandsTable() throws {
        let answer = try httpRequest(port: port, "GET", "/bands")
        #expect(answer.status == 200)
        #expect(answer.json["bce"]?["bands"]?.array?.count == 4)
    }

    @Test(arguments: [
        ("not json", 400), (#"{"predictions":[[0.2,0.7,0.1]],"labels":[1"#, 400),
        (#"{"predictions":[[NaN,0.7,0.3]],"labels":[1]}"#, 400),
        (#"{"predictions":[[0.2,0.8],[0.1,0.2,0.7]],"labels":[0,1]}"#, 422),
        (#"{"predictions":[[0.2,0.8]],"labels":[0,1]}"#, 422),
        (#"{"predictions":[[1]],"labels":[0]}"#, 422),
        (#"{"predictions":[],"labels":[]}"#, 422),
        (#"{"predictions":[[1.5,-0.5]],"labels":[0]}"#, 422),
        (#"{"predictions":[[0.5,0.6]],"labels":[0]}"#, 422),
        (#"{"predictions":[[0.5,0.5]],"labels":[2]}"#, 422),
        (#"{"predictions":[[0.5,0.5]],"labels":[0.5]}"#, 422),
        (#"{"predictions":[[0.5,0.5]],"labels":[0],"base":3}"#, 422),
        (#"{"predictions":[[0.5,0.5]],"labels":[0],"input":"odds"}"#, 422),
        (#"{"predictions":[[0.5,0.5]],"labels":[0],"sample_weight":[1]}"#, 422),
    ])
    func badBodiesGetProblems(body: String, status: Int) throws {
        let answer = try httpRequest(port: port, "POST", "/cce", json: body)
        #expect(answer.status == status)
        #expect(answer.header("Content-Type") == "application/problem+json")
        #expect(answer.json["status"]?.int == status)
        #expect(answer.json["title"]?.string?.isEmpty == false)
        #expect(answer.json["detail"]?.string?.isEmpty == false)
    }

    @Test func pointersReachTheClient() throws {
        let typed = try httpRequest(
            port: port, "POST", "/cce",
            json: #"{"predictions":[[0.2,0.7,0.1],[0.2,0.7,0.1],[0.2,0.7,0.1],[0.2,"a",0.1]],"labels":[1,1,1,1]}"#)
        #expect(typed.status == 400)
        #expect(typed.json.problemPointers == ["/predictions/3/1"])
        let ranged = try httpRequest(
            port: port, "POST", "/bce", json: #"{"predictions":[[0.2,0.7],[0.2,1.7]],"labels":[[1,0],[0,1]]}"#)
        #expect(ranged.json.problemPointers == ["/predictions/1/1"])
    }

    @Test func batchWithAFailingJob() throws {
        let body = """
            {"jobs":[{"id":"a","loss":"cce","predictions":[[0.2,0.7,0.1]],"labels":[1]},
                     {"id":"b","loss":"cce","predictions":[[0.2,0.7,0.2]],"labels":[1]},
                     {"id":"c","loss":"bce","predictions":[[0.8,0.4,0.6]],"labels":[[1,0,1]]}]}
            """
        let answer = try httpRequest(port: port, "POST", "/batch", json: body)
        #expect(answer.status == 200)
        let results = answer.json["results"]?.array ?? []
        #expect(results.compactMap { $0["id"]?.string } == ["a", "b", "c"])
        #expect(results.compactMap { $0["status"]?.int } == [200, 422, 200])
        #expect(results[1]["error"]?.problemPointers == ["/jobs/1/predictions/0"])
        #expect(results[2]["result"]?["loss"]?.double == 1.795_859_283_219_774_8)
    }
}
