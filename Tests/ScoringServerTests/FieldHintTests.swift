import TestSupport
import Testing

@testable import ScoringServer

/// Unknown fields: framework argument names get what to do here instead, close spellings a
/// suggestion, anything else the list of known fields (never a far-fetched "did you mean").
@Suite struct FieldHintTests {
    let harness = RouterHarness()
    private let base = #""predictions":[[0.2,0.7,0.1]],"labels":[1]"#

    private func detail(_ extra: String, on path: String = "/cce") -> String? {
        harness.post(path, "{\(base),\(extra)}").details.first
    }

    @Test func frameworkNamesSayWhatToDoInstead() {
        #expect(
            detail(#""reduction":"sum""#)
                == "unknown field 'reduction': the answer holds every reduction: 'loss' (the mean), 'sum' and 'losses' (per sample)"
        )
        #expect(
            detail(#""from_logits":true"#)
                == #"unknown field 'from_logits': send logits as 'predictions' with "input": "logits""#)
        #expect(
            detail(#""weight":[1,1,1]"#)
                == "unknown field 'weight': per-class weights go in 'class_weights', per-sample weights in 'sample_weights'"
        )
        #expect(detail(#""Y_True":[1]"#) == "unknown field 'Y_True': the true labels go in 'labels'")
        #expect(detail(#""target":[1]"#) == "unknown field 'target': the true labels go in 'labels'")
        #expect(detail(#""y_pred":[[1]]"#) == "unknown field 'y_pred': the model's outputs go in 'predictions'")
        // In a batch job too, at the job's pointer.
        let job = harness.post(
            "/batch", #"{"jobs":[{"id":"a","loss":"bce","predictions":[[0.5]],"labels":[1],"reduction":"none"}]}"#)
        #expect(job.json["results"]?[0]?["error"]?["errors"]?[0]?["pointer"]?.string == "/jobs/0/reduction")
        #expect(job.json["results"]?[0]?["error"]?["detail"]?.string?.contains("'sum' and 'losses'") == true)
    }

    @Test func pytorchsInputHoldingDataSaysWhereTheValuesGo() {
        let answer = harness.post("/cce", #"{"input":[[0.2,0.7,0.1]],"target":[1]}"#)
        #expect(answer.status == 400)
        #expect(
            answer.details
                == [#"input must be "probabilities" or "logits" (what predictions hold; the values go in predictions)"#]
        )
    }

    @Test func onlyCloseSpellingsAreSuggested() {
        #expect(detail(#""lables":[1]"#) == "unknown field 'lables'; did you mean 'labels'?")
        #expect(detail(#""per_sampel":true"#) == "unknown field 'per_sampel'; did you mean 'per_sample'?")
        #expect(detail(#""epsilom":0.1"#) == "unknown field 'epsilom'; did you mean 'epsilon'?")
        // Three edits from "predictions" is not a spelling of it.
        #expect(detail(#""axis":1"#)?.hasPrefix("unknown field 'axis'; known fields: predictions, labels") == true)
        #expect(FieldSuggestion.closest(to: "reduction", among: ScoringField.known(in: .body)) == nil)
        #expect(FieldSuggestion.closest(to: "bsae", among: ["base"]) == "base")
        #expect(FieldSuggestion.closest(to: "bass", among: ["base"]) == "base")
        #expect(FieldSuggestion.closest(to: "bxsx", among: ["base"]) == nil)
    }

    @Test func transpositionsCountAsOneEdit() {
        #expect(FieldSuggestion.editDistance("lables", "labels") == 1)
        #expect(FieldSuggestion.editDistance("kitten", "sitting") == 3)
        #expect(FieldSuggestion.editDistance("", "abc") == 3)
        #expect(FieldSuggestion.editDistance("reduction", "predictions") == 3)
    }

    @Test func hintsAreForScoringRequestsOnly() {
        // A tensor object's members are not loss arguments: the list of its fields.
        let answer = harness.post(
            "/cce", #"{"predictions":{"shape":[1,3],"data":[0.2,0.7,0.1],"weight":1},"labels":[1]}"#)
        #expect(answer.details.first?.contains("known fields") == true)
    }
}
