import Testing

@testable import ScoringServer

/// 422 answers: well-formed JSON that breaks the rules, each with a pointer to the value.
@Suite struct ValidationTests {
    let harness = RouterHarness()

    private func expect422(_ path: String, _ body: String, pointers: [String], containing text: String? = nil) {
        let answer = harness.post(path, body)
        #expect(answer.status == 422, "\(body)")
        #expect(answer.contentType == "application/problem+json")
        #expect(answer.pointers == pointers, "\(body)")
        if let text {
            #expect(answer.details.contains { $0.contains(text) }, "\(answer.details) lacks \(text)")
        }
    }

    @Test func raggedRows() {
        expect422("/cce", #"{"predictions":[[0.2,0.8],[0.1,0.2,0.7]],"labels":[0,1]}"#, pointers: ["/predictions/1"])
        expect422(
            "/bce",
            #"{"predictions":[[0.2,0.8],[0.1,0.2]],"labels":[[1,0],[1]]}"#,
            pointers: ["/labels/1"]
        )
    }

    @Test func countMismatches() {
        expect422(
            "/cce", #"{"predictions":[[0.2,0.8],[0.5,0.5]],"labels":[0]}"#, pointers: ["/labels"],
            containing: "1 labels for 2")
        expect422("/bce", #"{"predictions":[[0.2,0.8]],"labels":[[1,0],[0,1]]}"#, pointers: ["/labels"])
        expect422("/cce", #"{"predictions":[[0.2,0.8]],"labels":[[0,0,1]]}"#, pointers: ["/labels/0"])
    }

    @Test func tooFewClassesOrSamples() {
        expect422(
            "/cce", #"{"predictions":[[1]],"labels":[0]}"#, pointers: ["/predictions/0"],
            containing: "at least 2 classes")
        expect422(
            "/bce", #"{"predictions":[[]],"labels":[[]]}"#, pointers: ["/predictions/0"],
            containing: "at least 1 classes")
        expect422(
            "/cce", #"{"predictions":[],"labels":[]}"#, pointers: ["/predictions"], containing: "at least one sample")
    }

    @Test func missingFields() {
        expect422("/cce", #"{"labels":[0]}"#, pointers: ["/predictions"])
        expect422("/cce", #"{}"#, pointers: ["/predictions", "/labels"])
    }

    @Test func probabilitiesOutsideTheUnitInterval() {
        expect422(
            "/cce", #"{"predictions":[[1.2,-0.2]],"labels":[0]}"#, pointers: ["/predictions/0/0", "/predictions/0/1"])
        expect422("/bce", #"{"predictions":[[0.5,1.5]],"labels":[[1,0]]}"#, pointers: ["/predictions/0/1"])
        expect422("/bce", #"{"predictions":[[0.5,0.5]],"labels":[[2,0]]}"#, pointers: ["/labels/0/0"])
        // A huge probability is just out of range: float64's integer note is for integers.
        let huge = harness.post("/bce", #"{"predictions":[[1e200]],"labels":[[1]]}"#)
        #expect(huge.details == ["1e+200 is outside [0, 1]"], "\(huge.details)")
    }

    @Test func categoricalRowsMustSumToOne() {
        expect422(
            "/cce", #"{"predictions":[[0.2,0.7,0.1],[0.3,0.3,0.3]],"labels":[0,1]}"#, pointers: ["/predictions/1"],
            containing: "not 1 (tolerance")
        expect422("/cce", #"{"predictions":[[0.2,0.7,0.1]],"labels":[[0.5,0.6,0]]}"#, pointers: ["/labels/0"])
        // BCE rows are independent and need not sum to 1.
        #expect(harness.post("/bce", #"{"predictions":[[0.9,0.9]],"labels":[[1,1]]}"#).status == 200)
    }

    @Test func float32SoftmaxRoundingIsAccepted() {
        // float32(1/3) three times sums to 1.0000000298...; 10,000 classes may be off by ~1e-3.
        let third = Double(Float(1.0 / 3.0))
        let answer = harness.post("/cce", "{\"predictions\":[[\(third),\(third),\(third)]],\"labels\":[0]}")
        #expect(answer.status == 200)
        let classes = 10_000
        let p = (1 + 5e-4) / Double(classes)
        let row = Array(repeating: "\(p)", count: classes).joined(separator: ",")
        #expect(harness.post("/cce", "{\"predictions\":[[\(row)]],\"labels\":[0]}").status == 200)
        let far = Array(repeating: "\((1 + 5e-3) / Double(classes))", count: classes).joined(separator: ",")
        #expect(harness.post("/cce", "{\"predictions\":[[\(far)]],\"labels\":[0]}").status == 422)
    }

    /// 1e-6 + min(C·2⁻²³, 1e-2): the float32 term grows with C up to 83,886 classes, then stays
    /// at 1e-2 (uncapped it was ±11.9% at a million classes).
    @Test func theRowSumToleranceIsCapped() {
        let epsilon = 0x1p-23
        #expect(RowSumTolerance.forClasses(3) == 1e-6 + 3 * epsilon)
        #expect(RowSumTolerance.forClasses(10_000) == 1e-6 + 10_000 * epsilon)
        #expect(RowSumTolerance.forClasses(83_886) == 1e-6 + 83_886 * epsilon)
        #expect(RowSumTolerance.forClasses(83_887) == 1e-6 + 1e-2)
        #expect(RowSumTolerance.forClasses(1_000_000) == 0.010_001)
        // A row of equal probabilities at the edge has a perplexity of C/(1 − tolerance).
        #expect(1 / (1 - RowSumTolerance.forClasses(1_000_000)) < 1.0102)
    }

    @Test func aRowOfAHundredThousandClassesMustSumTo1Within1Percent() {
        let classes = 100_000
        let row = { (sum: Double) in
            Array(repeating: "\(sum / Double(classes))", count: classes).joined(separator: ",")
        }
        // 0.985 was accepted before the cap (tolerance 1.19e-2 at this size).
        let answer = harness.post("/cce", "{\"predictions\":[[\(row(0.985))]],\"labels\":[0]}")
        #expect(answer.status == 422)
        #expect(answer.details.first?.contains("tolerance 0.010001") == true, "\(answer.details)")
        let inside = harness.post("/cce", "{\"predictions\":[[\(row(0.995))]],\"labels\":[0],\"base\":\"e\"}")
        #expect(inside.status == 200)
        // Perplexity e^loss of equal probabilities 0.995/C: C/0.995, within C/(1 − tolerance).
        let perplexity = inside.json["perplexity"]?.double ?? 0
        #expect(abs(perplexity - Double(classes) / 0.995) < 1e-6 * perplexity)
        #expect(perplexity <= Double(classes) / (1 - RowSumTolerance.forClasses(classes)))
    }

    @Test func classIndices() {
        expect422(
            "/cce", #"{"predictions":[[0.5,0.5],[0.5,0.5]],"labels":[0,2]}"#, pointers: ["/labels/1"],
            containing: "out of range [0, 2)")
        expect422("/cce", #"{"predictions":[[0.5,0.5]],"labels":[-1]}"#, pointers: ["/labels/0"])
        expect422(
            "/cce", #"{"predictions":[[0.5,0.5]],"labels":[0.5]}"#, pointers: ["/labels/0"],
            containing: "not an integer")
        #expect(harness.post("/cce", #"{"predictions":[[0.5,0.5]],"labels":[1.0]}"#).status == 200)
    }

    @Test func binaryLabelsAreRowsUnlessThereIsOneClass() {
        expect422("/bce", #"{"predictions":[[0.5,0.5]],"labels":[1]}"#, pointers: ["/labels"])
        #expect(harness.post("/bce", #"{"predictions":[[0.9],[0.2]],"labels":[1,0]}"#).status == 200)
    }

    @Test func unknownOptionValues() {
        expect422("/cce", #"{"predictions":[[0.5,0.5]],"labels":[0],"base":3}"#, pointers: ["/base"])
        expect422("/cce", #"{"predictions":[[0.5,0.5]],"labels":[0],"base":"two"}"#, pointers: ["/base"])
        expect422("/cce", #"{"predictions":[[0.5,0.5]],"labels":[0],"input":"scores"}"#, pointers: ["/input"])
    }

    @Test func unknownFieldsNameTheClosestKnownOne() {
        let answer = harness.post(
            "/cce", #"{"predictions":[[0.5,0.5]],"labels":[0],"per_sampel":false,"prediction":1}"#)
        #expect(answer.status == 422)
        #expect(answer.json["type"]?.string == "urn:cross-entropy-service:problem:unknown-field")
        #expect(answer.pointers == ["/per_sampel", "/prediction"])
        #expect(answer.details[0].contains("did you mean 'per_sample'?"))
        #expect(answer.details[1].contains("did you mean 'predictions'?"))
        // Batch-only fields are unknown on /cce.
        expect422("/cce", #"{"predictions":[[0.5,0.5]],"labels":[0],"id":"x"}"#, pointers: ["/id"])
    }

    @Test func problemsAreCappedSoAnswersStaySmall() {
        let row = "[2,2]"
        let body =
            "{\"predictions\":[\(Array(repeating: row, count: 100).joined(separator: ","))],\"labels\":[\(Array(repeating: "0", count: 100).joined(separator: ","))]}"
        let answer = harness.post("/cce", body)
        #expect(answer.status == 422)
        #expect(answer.pointers.count == 20)
    }

    @Test func overflowingLogitsAre422NotInfinity() {
        expect422(
            "/cce", #"{"predictions":[[1.7e308,-1.7e308]],"labels":[1],"input":"logits"}"#, pointers: ["/predictions"])
    }
}

/// Validation of large matrices runs in chunks; a bad value anywhere is still found.
@Suite struct LargeMatrixValidationTests {
    @Test func aBadValueDeepInALargeMatrixIsFound() {
        let rows = 5000
        let columns = 60
        var body = "{\"predictions\":["
        for i in 0..<rows {
            if i > 0 { body += "," }
            let value =
                i == 4321
                ? "[1.5" + String(repeating: ",0", count: columns - 1) + "]"
                : "[1" + String(repeating: ",0", count: columns - 1) + "]"
            body += value
        }
        body += "],\"labels\":[" + Array(repeating: "0", count: rows).joined(separator: ",") + "],\"per_sample\":false}"
        let answer = RouterHarness().post("/cce", body)
        #expect(answer.status == 422)
        #expect(answer.pointers == ["/predictions/4321/0"])
    }
}
