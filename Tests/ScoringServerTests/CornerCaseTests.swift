import Testing

/// The corners where a number used to be wrong or misleading: the normalized entropy of labels
/// with nothing to predict, bands under every convention, weights that zero every term, and a
/// clip too small to clip.
@Suite struct CornerCaseTests {
    let harness = RouterHarness()

    @Test(arguments: [
        ("/cce", #"{"predictions":[[0.2,0.7,0.1]],"labels":[1],"convention":"keras"}"#),
        ("/cce", #"{"predictions":[[0.2,0.7,0.1],[0.3,0.4,0.3]],"labels":[1,1],"epsilon":1e-3}"#),
        ("/cce", #"{"predictions":[[0.2,0.7,0.1],[0.3,0.4,0.3]],"labels":[[0,1,0],[0,1,0]]}"#),
        ("/bce", #"{"predictions":[[0.2,0.7],[0.4,0.1]],"labels":[[0,0],[0,0]],"epsilon":1e-7}"#),
        ("/bce", #"{"predictions":[[0.2,0.7],[0.4,0.1]],"labels":[[1,0.5],[1,0.5]]}"#),
    ])
    func normalizedEntropyIsLeftOutWhenTheLabelsLeaveNothingToPredict(path: String, body: String) {
        let answer = harness.post(path, body)
        #expect(answer.status == 200)
        #expect(answer.json["normalized_entropy"] == nil)
    }

    @Test func normalizedEntropyStaysWhenTheLabelsVary() {
        let cce = harness.post("/cce", #"{"predictions":[[0.2,0.7,0.1],[0.6,0.3,0.1]],"labels":[1,0],"base":"e"}"#)
        #expect(cce.json["normalized_entropy"]?.double != nil)
        let bce = harness.post("/bce", #"{"predictions":[[0.2,0.7],[0.4,0.1]],"labels":[[0,1],[0,0]]}"#)
        #expect(bce.json["normalized_entropy"]?.double != nil)
    }

    /// The document's multi-label example is 1.796 bits, "moderately_wrong", whatever number
    /// the convention reports (Keras: the mean over classes in nats; PyTorch: over elements).
    @Test(arguments: ["document", "keras", "pytorch"])  // scikit-learn has no 3-column BCE
    func bandsDescribeThePredictionUnderEveryConvention(convention: String) {
        let answer = harness.post(
            "/bce", #"{"predictions":[[0.8,0.4,0.6]],"labels":[[1,0,1]],"convention":"\#(convention)"}"#)
        #expect(answer.status == 200)
        #expect(answer.json["band"]?.string == "moderately_wrong")
        #expect(answer.json["bands"]?.strings == ["moderately_wrong"])
    }

    @Test func bandsIgnoreClassWeightsAndSmoothing() {
        // −log2 0.7 = 0.514 bits is "moderate"; class weights of 5 make the loss 2.57 bits and
        // smoothing moves it too, but the prediction is the same.
        for option in [#""class_weights":[5,5,5]"#, #""label_smoothing":0.2"#, #""convention":"keras""#] {
            let answer = harness.post("/cce", #"{"predictions":[[0.2,0.7,0.1]],"labels":[1],\#(option)}"#)
            #expect(answer.json["band"]?.string == "moderate", "\(option)")
            #expect(answer.json["bands"]?.strings == ["moderate"], "\(option)")
        }
        let pytorch = harness.post(
            "/cce", #"{"predictions":[[2.0,1.0,0.1]],"labels":[0],"convention":"pytorch","class_weights":[9,1,1]}"#)
        let document = harness.post("/cce", #"{"predictions":[[2.0,1.0,0.1]],"labels":[0],"input":"logits"}"#)
        #expect(pytorch.json["band"]?.string == document.json["band"]?.string)
    }

    @Test(arguments: [
        #"{"predictions":[[0.2,0.7,0.1]],"labels":[1],"class_weights":[1,0,1]}"#,
        #"{"predictions":[[0.2,0.7,0.1],[0.5,0.25,0.25]],"labels":[1,0],"class_weights":[0,0,0]}"#,
        #"{"predictions":[[0.2,0.7,0.1],[0.5,0.25,0.25]],"labels":[1,0],"class_weights":[0,1,1],"sample_weights":[0,1]}"#,
        #"{"predictions":[[0.2,0.7,0.1]],"labels":[[0,1,0]],"class_weights":[1,0,1]}"#,
    ])
    func classWeightsThatZeroEveryTermAre422(body: String) {
        let answer = harness.post("/cce", body)
        #expect(answer.status == 422)
        #expect(answer.pointers == ["/class_weights"])
    }

    @Test func tinyWeightsOnTheLabelledClassesAreStillWeights() {
        let answer = harness.post(
            "/cce", #"{"predictions":[[0.2,0.7,0.1]],"labels":[1],"class_weights":[0,5e-324,0]}"#)
        #expect(answer.status == 200)
    }

    @Test func anEpsilonTooSmallToClipIs422() {
        let tooSmall = harness.post("/cce", #"{"predictions":[[0.2,0.7,0.1]],"labels":[1],"epsilon":5e-17}"#)
        #expect(tooSmall.status == 422)
        #expect(tooSmall.pointers == ["/epsilon"])
        // 2^-53 is the smallest epsilon with 1 - epsilon < 1.
        let smallest = harness.post(
            "/cce", #"{"predictions":[[0.2,0.7,0.1]],"labels":[1],"epsilon":1.1102230246251565e-16}"#)
        #expect(smallest.status == 200)
    }
}
