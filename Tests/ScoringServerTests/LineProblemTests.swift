import HTTPTransport
import TestSupport
import Testing

@testable import ScoringServer

/// What a bad line or option says, and where it points (found by the outside tester).
@Suite struct LineProblemTests {
    private func problem(_ line: String, query: String? = nil) throws -> Problem? {
        let options = try LineOptions.parse(query: query, kind: .cce).get()
        let decoder = LineDecoder(kind: .cce, options: options, limits: .default)
        let bytes = Array(line.utf8)
        let result = bytes.withUnsafeBytes { decoder.decode($0, index: 0) }
        if case .failure(let problem) = result { return problem }
        return nil
    }

    @Test func anUnknownMemberIsNamedAsItIsSpelled() throws {
        let sample = try #require(try problem(#"{"prediction":[0.2,0.7,0.1],"label":1,"sample_weights":[1]}"#))
        #expect(sample.errors.map(\.pointer) == ["/lines/0/sample_weights"])
        // A block line with a sample's name is read as a sample: its block names are unknown there.
        let block = try #require(try problem(#"{"predictions":[[0.2,0.7,0.1]],"labels":[1],"weight":1}"#))
        #expect(Set(block.errors.map(\.pointer)) == ["/lines/0/predictions", "/lines/0/labels"])
        // And it says why, and how a block line weighs its samples.
        #expect(block.errors.allSatisfy { $0.detail.contains("is a sample line") }, "\(block.errors)")
        #expect(block.errors.allSatisfy { $0.detail.contains("'sample_weights'") }, "\(block.errors)")
    }

    /// A line's top-level names are compared one by one while there are few and hashed past
    /// that: a duplicate is found either way, and the same line with the duplicate left out
    /// fails only on its unknown members.
    @Test(arguments: [0, 3, 7, 8, 9, 20]) func aDuplicateTopLevelMemberIsFoundWherever(extra: Int) throws {
        let others = (0..<extra).map { ",\"m\($0)\":0" }.joined()
        let line = #"{"label":1"# + others + #","prediction":[0.2,0.7,0.1],"label":2}"#
        let duplicate = try #require(try problem(line))
        #expect(duplicate.status == 400, "\(duplicate.errors)")
        #expect(duplicate.errors.map(\.pointer) == ["/lines/0/label"], "\(duplicate.errors)")
        #expect(duplicate.detail.contains("occurs more than once"))
        let once = try problem(#"{"label":1"# + others + #","prediction":[0.2,0.7,0.1]}"#)
        #expect(once?.status == (extra == 0 ? nil : 422))
        // A duplicate among hashed names only (past the compared ones).
        if extra > 9 {
            let late = try #require(try problem(#"{"label":1"# + others + #","prediction":[0.2,0.7,0.1],"m9":1}"#))
            #expect(late.errors.map(\.pointer) == ["/lines/0/m9"], "\(late.errors)")
        }
    }

    @Test func aSampleLineIsTalkedAboutInItsOwnNames() throws {
        let missing = try #require(try problem(#"{"prediction":[0.2,0.7,0.1]}"#))
        #expect(missing.errors.first?.pointer == "/lines/0/label")
        #expect(missing.errors.first?.detail.contains("'label'") == true, "\(missing.errors)")
        #expect(missing.errors.first?.detail.contains("'labels'") == false)
        // The problem's own detail too, and a null label is a missing one.
        let null = try #require(try problem(#"{"prediction":[0.2,0.7,0.1],"label":null}"#))
        #expect(null.detail == "line 1: missing required field 'label'")
        #expect(null.errors.map(\.pointer) == ["/lines/0/label"])
    }

    /// A label number that cannot be a float64 is refused as the body refuses it (422 "out of
    /// float64 range", 400 "not a JSON number"), not as a label of the wrong type.
    @Test func aSampleLabelNumberIsJudgedAsTheBodyJudgesIt() throws {
        let huge = try #require(try problem(#"{"prediction":[0.2,0.7,0.1],"label":1e400}"#))
        #expect(huge.status == 422)
        #expect(huge.errors.map(\.pointer) == ["/lines/0/label"])
        #expect(huge.detail.contains("out of float64 range"), "\(huge.detail)")
        let leadingZero = try #require(try problem(#"{"prediction":[0.2,0.7,0.1],"label":01}"#))
        #expect(leadingZero.status == 400)
        #expect(leadingZero.detail.contains("not a JSON number"), "\(leadingZero.detail)")
    }

    @Test func aQueryOptionThatDoesNotFitTheLinePointsAtTheOption() throws {
        let mismatch = try #require(try problem(#"{"prediction":[0.2,0.7,0.1],"label":1}"#, query: "class_weights=1,2"))
        #expect(mismatch.errors.map(\.pointer) == ["/class_weights"])
        #expect(mismatch.errors.first?.detail.hasPrefix("line 1: ") == true)
    }

    @Test func queryNumbersFollowTheBodysRules() {
        for accepted in ["0", "-0", "1", "0.5", "1e-3", "2E+2", "-1.25e10", "1e-300", "0.0e5"] {
            #expect(LineOptions.number(accepted) != nil, "\(accepted)")
        }
        for refused in [
            "0x2", "0x0.1p0", "1e-400", "inf", "nan", "+1", ".5", "5.", "01", "1e", "", "-", "1,2", "1e999",
        ] {
            #expect(LineOptions.number(refused) == nil, "\(refused)")
        }
        guard case .failure(let problem) = LineOptions.parse(query: "class_weights=0x2,1,1", kind: .cce) else {
            Issue.record("hex weights accepted")
            return
        }
        #expect(problem.errors.map(\.pointer) == ["/class_weights/0"])
    }

    @Test func aStreamInAnotherCharsetIsRefusedAtTheHeaders() throws {
        let endpoint = try #require(LinesEndpoint(path: "/cce/lines", metrics: nil))
        let head = RequestHead(
            method: "POST", path: "/cce/lines", contentType: "application/x-ndjson; charset=latin1", contentLength: 10)
        guard case .failure(let problem) = endpoint.admit(head, query: nil) else {
            Issue.record("latin1 admitted")
            return
        }
        #expect(problem.status == 415)
    }

    /// A line decoded by a stream's reader finds its members in the names the duplicate check
    /// recorded; decoded alone, it asks JSONDecoder's container. Both read the same line.
    @Test(
        arguments: [
            (#"{"prediction":[0.2,0.7,0.1],"label":1}"#, true, nil),
            (#"{"label":2,"weight":0.5,"prediction":[0.2,0.7,0.1]}"#, true, [0.5]),
            (#"{"prediction":[0.2,0.7,0.1],"label":[0,1,0]}"#, true, nil),
            (#"{"prediction":[0.2,0.7,0.1]}"#, true, nil),
            (#"{"prediction":null,"label":null}"#, true, nil),
            (#"{"weight":2}"#, true, [2]),
            (#"{"predictions":[[0.2,0.7,0.1]],"labels":[1],"sample_weights":[3]}"#, false, [3]),
            (#"{"predictions":[[0.2,0.7,0.1]],"labels":[1],"weight":1}"#, true, [1]),
        ] as [(String, Bool, [Double]?)])
    func aLineReadsTheSameFromTheRecordedNames(line: String, isSample: Bool, weights: [Double]?) throws {
        let reader = LineDecoder.reader()
        let bytes = Array(line.utf8)
        let recorded = try bytes.withUnsafeBytes {
            try reader.decode(LineValue.self, from: $0, configuration: reader.duplicates)
        }
        let alone = try bytes.withUnsafeBytes { try JSONBody.decode(LineValue.self, from: $0) }
        #expect(recorded.isSample == isSample)
        #expect(alone.isSample == isSample)
        #expect(recorded.request.sampleWeights == weights)
        #expect(alone.request.sampleWeights == weights)
        #expect(String(describing: recorded.request.predictions) == String(describing: alone.request.predictions))
        #expect(String(describing: recorded.request.labels) == String(describing: alone.request.labels))
        let hasLabels =
            isSample ? line.contains(#""label":"#) && !line.contains(#""label":null"#) : line.contains(#""labels""#)
        #expect((recorded.request.labels != nil) == hasLabels)
    }

    /// A misspelt query option is told the option it is close to; a far one gets the route's
    /// own options (not the other route's weights).
    @Test func anUnknownQueryOptionIsToldWhatItIsCloseTo() {
        func detail(_ query: String, _ kind: LossKind) -> String? {
            guard case .failure(let problem) = LineOptions.parse(query: query, kind: kind) else { return nil }
            return problem.errors.first?.detail
        }
        #expect(detail("per_sampel=true", .cce) == "unknown query parameter 'per_sampel'; did you mean 'per_sample'?")
        #expect(detail("clas_weights=1,2", .cce)?.hasSuffix("did you mean 'class_weights'?") == true)
        let far = detail("colour=red", .cce) ?? ""
        #expect(far.contains("'class_weights'") && !far.contains("'pos_weight'"), "\(far)")
        let farBinary = detail("colour=red", .bce) ?? ""
        #expect(farBinary.contains("'pos_weight'") && !farBinary.contains("'class_weights'"), "\(farBinary)")
    }

    /// A sample line's member of the wrong JSON type is told what it must be.
    @Test(arguments: [
        (#"{"prediction":0.7,"label":1}"#, "/lines/0/prediction", "prediction must be an array of numbers"),
        (#"{"prediction":[0.3,0.7],"label":true}"#, "/lines/0/label", "not true and false"),
        (#"{"prediction":[0.3,0.7],"label":1,"weight":"2"}"#, "/lines/0/weight", "weight must be a number"),
    ])
    func aSampleMemberOfTheWrongTypeIsToldWhatItMustBe(line: String, pointer: String, words: String) throws {
        let wrong = try #require(try problem(line))
        #expect(wrong.status == 400)
        #expect(wrong.errors.map(\.pointer) == [pointer], "\(wrong.errors)")
        #expect(wrong.detail.contains(words), "\(wrong.detail)")
    }
}
