import Testing

/// 400 answers for bodies JSONDecoder refuses, and 422 for numbers float64 cannot hold: each
/// with words a person can act on and, where there is one, the pointer of the value.
@Suite struct DecodingErrorTests {
    let harness = RouterHarness()

    struct Case: Sendable, CustomStringConvertible {
        let body: String
        let status: Int
        let detail: String
        let pointer: String
        var description: String { body }
    }

    static let numberOutOfRange =
        "the number is out of float64 range (beyond 1.8e308 in magnitude, or a non-zero value below 4.9e-324)"
    static let malformedNumber = "not a JSON number (RFC 8259: no leading zeros; digits after '-', '.' and 'e')"
    static func notANumber(at offset: Int) -> String {
        "not valid JSON: NaN and Infinity are not JSON numbers, and every value must be finite (null is refused too); drop the sample from predictions and labels (and its sample weight); the first stands at byte \(offset) (counted from 0)"
    }
    static let invalidEscape = "this string cannot be read: an invalid escape, such as a lone UTF-16 surrogate"
    static let controlCharacter =
        "this string cannot be read: it holds a raw control character (U+0000 to U+001F must be escaped)"

    @Test(arguments: [
        Case(body: "", status: 400, detail: "the body is empty; send a JSON object", pointer: ""),
        Case(body: " \r\n\t", status: 400, detail: "the body is empty; send a JSON object", pointer: ""),
        Case(body: "not json", status: 400, detail: "not valid JSON", pointer: ""),
        Case(body: #"{"predictions":[[0.2,0.7,0.1]],"labels":[1"#, status: 400, detail: "not valid JSON", pointer: ""),
        Case(
            body: #"{"predictions":[[0.2,0.7,0.1]],"labels":[1]} x"#, status: 400, detail: "not valid JSON", pointer: ""
        ),
        Case(body: "[1,2]", status: 400, detail: "the body must be a JSON object", pointer: ""),
        Case(
            body: #"{"predictions":[[NaN,0.7,0.3]],"labels":[1]}"#, status: 400, detail: notANumber(at: 17), pointer: ""
        ),
        Case(
            body: #"{"predictions":[[0.3,0.7]],"labels":[1],"sample_weights":[-Infinity]}"#, status: 400,
            detail: notANumber(at: 59), pointer: ""),
        Case(
            body: "{\"predictions\":[[0.3,0.7]],\"labels\":[1] // a comment\n}", status: 400,
            detail: "not valid JSON", pointer: ""),
        // Swift 6.3's JSON5 scanner traps on these; the error path must not hand them to it.
        Case(
            body: #"{"predictions":[[0.5,0.5]],"labels":[1],"epsilon":1e-,x}"#, status: 400, detail: "not valid JSON",
            pointer: ""),
        Case(
            body: #"{"predictions":[[0.5,0.5]],"labels":[1],x:1e+}"#, status: 400, detail: "not valid JSON", pointer: ""
        ),
        Case(
            body: #"{"predictions":[[0.5,0.5]],"labels":[1],"convention":"\ud800"}"#, status: 400,
            detail: invalidEscape, pointer: "/convention"),
        Case(
            body: "{\"predictions\":[[0.5,0.5]],\"labels\":[1],\"input\":\"log\u{01}its\"}", status: 400,
            detail: controlCharacter, pointer: "/input"),
        Case(
            body: #"{"predictions":[[0.5,0.5]],"labels":[1],"base":"\udc00"}"#, status: 400, detail: invalidEscape,
            pointer: "/base"),
        Case(
            body: #"{"predictions":[[0.5,0.5]],"labels":[1],"x\ud800":1}"#, status: 400,
            detail: "a member name in this object cannot be read: an invalid escape, such as a lone UTF-16 surrogate",
            pointer: ""),
        Case(
            body: #"{"predictions":{"shape":[1,2],"d\ud800":0,"data":[0.5,0.5]},"labels":[1]}"#, status: 400,
            detail: "a member name in this object cannot be read: an invalid escape, such as a lone UTF-16 surrogate",
            pointer: "/predictions"),
        Case(
            body: #"{"predictions":[[0.5,0.5]],"labels":{"shape":[1],"data":[1],"\ud800":0}}"#, status: 400,
            detail: "a member name in this object cannot be read: an invalid escape, such as a lone UTF-16 surrogate",
            pointer: "/labels"),
        // Only a bare token is NaN: inside a string it is text, and this body is only truncated.
        Case(
            body: #"{"predictions":[[0.5,0.5]],"labels":[1],"convention":"NaN""#, status: 400, detail: "not valid JSON",
            pointer: ""),
        Case(
            body: #"{"predictions":[[0.5,0.5]],"labels":[1],"Infinity":[1,"#, status: 400, detail: "not valid JSON",
            pointer: ""),
        Case(
            body: #"{"predictions":[[1e400,0.5]],"labels":[1]}"#, status: 422, detail: numberOutOfRange,
            pointer: "/predictions/0/0"),
        Case(
            body: #"{"predictions":[[0.5,0.5]],"labels":[1e-400]}"#, status: 422, detail: numberOutOfRange,
            pointer: "/labels/0"),
        Case(
            body: #"{"predictions":[[0.5,0.5]],"labels":[1],"epsilon":-1e999}"#, status: 422, detail: numberOutOfRange,
            pointer: "/epsilon"),
        Case(
            body: #"{"predictions":{"shape":[1,2],"data":[0.5,2e308]},"labels":[1]}"#, status: 422,
            detail: numberOutOfRange, pointer: "/predictions/data/1"),
        Case(
            body: #"{"predictions":[[0.5,0.5]],"labels":["1"]}"#, status: 400,
            detail:
                "labels must be an array of class indices (integers) or of rows of numbers (for binary cross-entropy: 0 and 1, not true and false), or a tensor object",
            pointer: "/labels/0"),
        Case(
            body: #"{"predictions":[[0.2,0.7,0.1],[0.5,"x",0.5]],"labels":[1,0]}"#, status: 400,
            detail:
                #"predictions must be an array of rows of numbers (for binary cross-entropy, or of numbers), or a tensor object {"shape", "data" or "data_base64"}"#,
            pointer: "/predictions/1/1"),
        Case(
            body: #"{"predictions":{"shape":"1x2","data":[0.5,0.5]},"labels":[1]}"#, status: 400,
            detail: "predictions.shape must be [n] or [n, C]: an array of whole numbers", pointer: "/predictions/shape"),
        Case(
            body: #"{"predictions":[[0.5,0.5]],"labels":[1],"per_sample":"no"}"#, status: 400,
            detail: "per_sample must be true or false", pointer: "/per_sample"),
        Case(
            body: #"{"predictions":[[0.5,0.5]],"labels":[1],"base":true}"#, status: 400,
            detail: #"base must be 2, "e" or 10"#, pointer: "/base"),
        Case(
            body: #"{"predictions":[[01,0.5]],"labels":[1]}"#, status: 400, detail: malformedNumber,
            pointer: "/predictions/0/0"),
        Case(
            body: #"{"predictions":[[0.5,0.5]],"labels":[1],"label_smoothing":1.}"#, status: 400,
            detail: malformedNumber, pointer: "/label_smoothing"),
        Case(
            body: #"{"predictions":[[0.5,0.5]],"predictions":[[01, -, 1.e5]],"labels":[1]}"#, status: 400,
            detail: "the member 'predictions' occurs more than once in its object; send it once",
            pointer: "/predictions"),
        Case(
            body: #"{"predictions":{"shape":[1,2],"data":[0.5,0.5],"shape":[2,1]},"labels":[1]}"#, status: 400,
            detail: "the member 'shape' occurs more than once in its object; send it once",
            pointer: "/predictions/shape"),
    ])
    func malformedBodiesSayWhatIsWrong(_ test: Case) {
        let answer = harness.post("/cce", test.body)
        #expect(answer.status == test.status)
        #expect(answer.contentType == "application/problem+json")
        #expect(answer.json["detail"]?.string == test.detail)
        #expect(answer.pointers == [test.pointer])
    }

    /// Found by the fuzzer: JSONDecoder's JSON5 scanner, which tells NaN and JSON5 syntax apart
    /// on the error path, trapped on bytes F8-FF in an unquoted name.
    @Test func aBodyThatIsNotUTF8IsA400NotACrash() {
        for bytes: [UInt8] in [[0xFF, 0xFF], [0xFE, 0xFE], [0xF8, 0xF8], [0xFF, 0x80], [0x41, 0xFE, 0xFE], [0xC3]] {
            let body = Array("{".utf8) + bytes + Array(#""predictions":[[0.8,0.2]],"labels":[[1,0]]}"#.utf8)
            let answer = harness.send("POST", "/bce", bytes: body)
            #expect(answer.status == 400)
            #expect(answer.json["detail"]?.string == "not valid JSON: the body is not UTF-8")
        }
    }

    @Test func wrongTypesOfOptionsPointAtTheField() {
        #expect(harness.post("/cce", #"{"predictions":[[0.5,0.5]],"labels":[1],"input":3}"#).pointers == ["/input"])
        // A flat list is /bce's one-column form: on /cce a 422 at the field.
        #expect(harness.post("/cce", #"{"predictions":[0.5,0.5],"labels":[1]}"#).pointers == ["/predictions"])
        #expect(harness.post("/bce", #"{"predictions":[0.5,[0.5]],"labels":[1,0]}"#).pointers == ["/predictions/1"])
        #expect(harness.post("/cce", #"{"predictions":[[0.5,0.5]],"labels":[[1,0],3]}"#).pointers == ["/labels/1"])
    }

    @Test func aBatchJobThatIsNoObjectOrHasANumberOutOfRangeFailsAlone() {
        let answer = harness.post(
            "/batch",
            #"{"jobs":[1,{"id":"a","loss":"cce","predictions":[[1e999,0]],"labels":[0]},"#
                + #"{"id":"b","loss":"cce","predictions":[[0.5,0.5]],"labels":[0]}]}"#)
        #expect(answer.status == 200)
        let results = answer.json["results"]?.array ?? []
        #expect(results.map { $0["status"]?.int } == [400, 422, 200])
        #expect(results[0]["error"]?["detail"]?.string == "each job must be an object")
        #expect(results[1]["error"]?["errors"]?[0]?["pointer"]?.string == "/jobs/1/predictions/0/0")
    }

    @Test func aDuplicateInsideABatchJobNamesItsJob() {
        let answer = harness.post(
            "/batch", #"{"jobs":[{"id":"a","loss":"cce","loss":"bce","predictions":[[0.5,0.5]],"labels":[0]}]}"#)
        #expect(answer.status == 400)
        #expect(answer.pointers == ["/jobs/0/loss"])
    }

    /// JSONDecoder accepts trailing commas (beyond RFC 8259); the README says so.
    @Test func trailingCommasAreAccepted() {
        #expect(harness.post("/cce", #"{"predictions":[[0.3,0.7],],"labels":[1,],}"#).status == 200)
    }

    @Test func nullMeansAbsent() {
        let answer = harness.post("/cce", #"{"predictions":[[0.3,0.7]],"labels":[1],"base":null,"input":null}"#)
        #expect(answer.status == 200)
        let missing = harness.post("/cce", #"{"predictions":null,"labels":[1]}"#)
        #expect(missing.status == 422)
        #expect(missing.pointers == ["/predictions"])
    }
}
