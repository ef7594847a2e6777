import TestSupport
import Testing

@testable import ScoringServer

/// POST /compare through the router: both answers, the difference and verdict, per_sample's
/// default, and every error pointing into /baseline or /candidate.
@Suite struct CompareTests {
    let harness = RouterHarness()

    private let better = #"[[0.7,0.2,0.1],[0.2,0.6,0.2],[0.1,0.2,0.7],[0.2,0.6,0.2]]"#
    private let worse = #"[[0.5,0.3,0.2],[0.3,0.4,0.3],[0.2,0.3,0.5],[0.3,0.5,0.2]]"#

    private func compare(_ members: String) -> HTTPAnswer {
        harness.post("/compare", "{\(members)}")
    }

    /// `model` names the candidate: its answer echoes it, the baseline's does not.
    @Test func theModelNamesTheCandidateOnly() {
        let answer = compare(
            #""loss":"cce","labels":[0,1,2,1],"baseline":\#(worse),"candidate":\#(better),"model":"cand-1""#)
        #expect(answer.status == 200)
        #expect(answer.json["candidate"]?["model"]?.string == "cand-1")
        #expect(answer.json["baseline"]?["model"] == nil)
    }

    /// A confidence next to 1 (1 − (1 − c)/2 rounds to 1) still gives an interval and a verdict
    /// that follows the p-value.
    @Test func aConfidenceNextToOneKeepsTheInterval() {
        let answer = compare(
            #""loss":"cce","labels":[0,1,2,1],"baseline":\#(worse),"candidate":\#(better),"confidence":0.9999999999999999"#
        )
        #expect(answer.status == 200)
        #expect(answer.json["difference"]?["interval"]?.doubles?.count == 2)
        #expect(answer.json["candidate"]?["interval"]?.doubles?.count == 2)
    }

    @Test func eachModelIsAnsweredAsCceWouldAnswerIt() throws {
        let answer = compare(#""loss":"cce","labels":[0,1,2,1],"baseline":\#(worse),"candidate":\#(better)"#)
        #expect(answer.status == 200)
        for (field, matrix) in [("baseline", worse), ("candidate", better)] {
            let alone = harness.post("/cce", #"{"labels":[0,1,2,1],"predictions":\#(matrix),"per_sample":false}"#)
            #expect(alone.status == 200)
            #expect(answer.json[field] == alone.json, "\(field)")
        }
        let baseline = try #require(answer.json["baseline"]?["loss"]?.double)
        let candidate = try #require(answer.json["candidate"]?["loss"]?.double)
        let difference = try #require(answer.json["difference"])
        let mean = try #require(difference["mean"]?.double)
        #expect(abs(mean - (candidate - baseline)) <= 1e-15)
        #expect(difference["confidence"]?.double == 0.95)
        let interval = try #require(difference["interval"]?.doubles)
        #expect(interval.count == 2 && interval[1] < 0)
        let p = try #require(difference["p_value"]?.double)
        #expect(p > 0 && p < 0.05)
        #expect(answer.json["verdict"]?.string == "candidate_better")
    }

    @Test func swappingTheModelsFlipsTheVerdict() throws {
        let forward = compare(#""loss":"cce","labels":[0,1,2,1],"baseline":\#(worse),"candidate":\#(better)"#)
        let backward = compare(#""loss":"cce","labels":[0,1,2,1],"baseline":\#(better),"candidate":\#(worse)"#)
        #expect(backward.json["verdict"]?.string == "baseline_better")
        let mean = try #require(forward.json["difference"]?["mean"]?.double)
        #expect(backward.json["difference"]?["mean"]?.double == -mean)
        #expect(backward.json["difference"]?["p_value"] == forward.json["difference"]?["p_value"])
    }

    @Test func identicalModelsShowNoDifference() throws {
        let answer = compare(
            #""loss":"bce","labels":[[1],[0],[1]],"baseline":[[0.9],[0.2],[0.6]],"candidate":[[0.9],[0.2],[0.6]]"#)
        #expect(answer.status == 200)
        let difference = answer.json["difference"]
        #expect(difference?["mean"]?.double == 0)
        #expect(difference?["standard_error"]?.double == 0)
        #expect(difference?["interval"]?.doubles == [0, 0])
        #expect(difference?["p_value"]?.double == 1)
        #expect(answer.json["verdict"]?.string == "no_significant_difference")
    }

    @Test func perSampleIsOffUnlessAsked() throws {
        let plain = compare(
            #""loss":"cce","labels":[0,1],"baseline":[[0.6,0.4],[0.5,0.5]],"candidate":[[0.7,0.3],[0.4,0.6]]"#)
        #expect(plain.json["baseline"]?["losses"] == nil)
        #expect(plain.json["candidate"]?["bands"] == nil)
        let asked = compare(
            #""loss":"cce","labels":[0,1],"baseline":[[0.6,0.4],[0.5,0.5]],"candidate":[[0.7,0.3],[0.4,0.6]],"per_sample":true"#
        )
        #expect(asked.json["baseline"]?["losses"]?.doubles?.count == 2)
        #expect(asked.json["candidate"]?["bands"]?.strings?.count == 2)
    }

    @Test func optionsApplyToBothAndTensorsAreAccepted() throws {
        let answer = compare(
            #""loss":"cce","convention":"pytorch","labels":[0,1,1],"confidence":0.9,"class_weights":[1,2],"#
                + #""baseline":{"shape":[3,2],"data":[0,0,0,0,0,0]},"candidate":[[2,0],[0,1],[5,0]]"#)
        #expect(answer.status == 200)
        #expect(answer.json["baseline"]?["settings"]?["convention"]?.string == "pytorch")
        #expect(answer.json["candidate"]?["settings"]?["input"]?.string == "logits")
        #expect(answer.json["difference"]?["confidence"]?.double == 0.9)
        #expect(answer.json["baseline"]?["settings"]?["confidence"]?.double == 0.9)
    }

    @Test func oneSampleHasNoSpreadAndNoVerdict() throws {
        let answer = compare(#""loss":"cce","labels":[0],"baseline":[[0.5,0.5]],"candidate":[[0.9,0.1]]"#)
        #expect(answer.status == 200)
        let difference = try #require(answer.json["difference"])
        #expect(difference["mean"]?.double != nil)
        #expect(difference["standard_error"] == nil && difference["interval"] == nil && difference["p_value"] == nil)
        #expect(answer.json["verdict"]?.string == "no_significant_difference")
    }

    // MARK: - Errors

    @Test func shapesThatDifferAre422AtCandidate() {
        let answer = compare(#""loss":"cce","labels":[0,1],"baseline":[[0.5,0.5],[0.5,0.5]],"candidate":[[0.5,0.5]]"#)
        #expect(answer.status == 422)
        #expect(answer.pointers == ["/candidate"])
        #expect(answer.details.first?.contains("candidate is 1x2 but baseline is 2x2") == true)
    }

    @Test func valuesArePointedToInTheirOwnMatrix() {
        let answer = compare(
            #""loss":"cce","labels":[0,1],"baseline":[[0.5,0.5],[0.5,0.6]],"candidate":[[0.5,0.5],[2,0.6]]"#)
        #expect(answer.status == 422)
        #expect(answer.pointers == ["/baseline/1", "/candidate/1/0"])
    }

    @Test func aLabelProblemIsListedOnce() {
        let answer = compare(
            #""loss":"cce","labels":[0,5],"baseline":[[0.5,0.5],[0.5,0.5]],"candidate":[[0.5,0.5],[0.5,0.5]]"#)
        #expect(answer.status == 422)
        #expect(answer.pointers == ["/labels/1"])
    }

    @Test func unknownAndMissingFieldsAre422() {
        let answer = compare(#""loss":"cce","labels":[0],"predictions":[[0.5,0.5]],"candidat":[[0.5,0.5]]"#)
        #expect(answer.status == 422)
        #expect(answer.pointers == ["/candidat", "/predictions", "/baseline", "/candidate"])
        #expect(answer.details.first?.contains("'candidate'") == true)
        let noLoss = compare(#""labels":[0],"baseline":[[0.5,0.5]],"candidate":[[0.5,0.5]]"#)
        #expect(noLoss.pointers == ["/loss"])
        let badLoss = compare(#""loss":"mse","labels":[0],"baseline":[[0.5,0.5]],"candidate":[[0.5,0.5]]"#)
        #expect(badLoss.details == ["unknown loss 'mse'; expected 'cce' or 'bce'"])
        // A job's id is not a /compare member either.
        let id = compare(#""id":"x","loss":"cce","labels":[0],"baseline":[[0.5,0.5]],"candidate":[[0.5,0.5]]"#)
        #expect(id.status == 422 && id.pointers == ["/id"])
    }

    @Test func aMatrixOfTheWrongJSONTypeIs400AtItsPointer() {
        let answer = compare(#""loss":"cce","labels":[0],"baseline":"x","candidate":[[0.5,0.5]]"#)
        #expect(answer.status == 400)
        #expect(answer.pointers == ["/baseline"])
        #expect(answer.details.first?.hasPrefix("baseline must be an array of rows of numbers") == true)
        let tensor = compare(#""loss":"cce","labels":[0],"baseline":[[0.5,0.5]],"candidate":{"shape":"x","data":[1]}"#)
        #expect(tensor.status == 400)
        #expect(tensor.pointers == ["/candidate/shape"])
        #expect(tensor.details.first?.hasPrefix("candidate.shape must be") == true)
    }

    @Test func bothMatricesCountAgainstMaxElements() {
        let router = ServiceRoutes.router(.init(limits: ScoringLimits(maxElements: 6)))
        let limited = RouterHarness(router: router)
        // Each matrix has 4 values (within the limit alone); together 8.
        let answer = limited.post(
            "/compare",
            #"{"loss":"cce","labels":[0,1],"baseline":[[0.5,0.5],[0.5,0.5]],"candidate":[[0.5,0.5],[0.5,0.5]]}"#)
        #expect(answer.status == 422)
        #expect(answer.json["type"]?.string == "urn:cross-entropy-service:problem:limit-exceeded")
        #expect(answer.pointers == ["/candidate"])
        #expect(
            answer.details.first
                == "the number of prediction values (baseline and candidate together) is 8, over the limit of 6 (--max-elements)"
        )
        // One matrix over the limit on its own is pointed to where it is.
        let alone = limited.post(
            "/compare",
            #"{"loss":"cce","labels":[0,1,0,1],"baseline":[[0.5,0.5],[0.5,0.5],[0.5,0.5],[0.5,0.5]],"candidate":[[0.5,0.5],[0.5,0.5],[0.5,0.5],[0.5,0.5]]}"#
        )
        #expect(alone.pointers == ["/baseline"])
    }

    @Test func aResultBeyondFloat64IsNamedInItsMatrix() {
        let answer = compare(
            #""loss":"cce","input":"logits","labels":[0],"baseline":[[0,0]],"candidate":[[-1.7e308,1.7e308]]"#)
        #expect(answer.status == 422)
        #expect(answer.pointers == ["/candidate"])
    }

    @Test func aHugeFirstRowFollowedByEmptyRowsIsA422() {
        let crashShape =
            "[[" + Array(repeating: "0", count: 77_000).joined(separator: ",") + "]"
            + String(repeating: ",[]", count: 52_000) + "]"
        let answer = compare(#""loss":"cce","labels":[0],"baseline":[[0.5,0.5]],"candidate":\#(crashShape)"#)
        #expect(answer.status == 422)
        #expect(answer.pointers == ["/candidate/1"])
    }
}
