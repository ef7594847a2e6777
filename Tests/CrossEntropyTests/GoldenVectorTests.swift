import CrossEntropy
import TestSupport
import Testing

/// The conventions against the real scikit-learn, PyTorch and Keras, to 1e-12 relative.
@Suite struct GoldenVectorTests {
    @Test func theFileCoversEveryConventionAndLoss() {
        let names = GoldenVector.all.map(\.name)
        #expect(names.count >= 100)
        for prefix in [
            "sklearn-cce", "sklearn-bce", "pytorch-cce-index-weights-smoothing", "pytorch-cce-soft", "pytorch-bce-",
            "pytorch-bce-logits-pos-weight", "keras-sparse", "keras-cce-unnormalised", "keras-bce-soft-weights",
            "keras-bce-logits",
        ] {
            #expect(names.contains { $0.hasPrefix(prefix) }, "no \(prefix) case")
        }
    }

    @Test(arguments: GoldenVector.all)
    func matchesTheLibrary(vector: GoldenVector) {
        let predictions = Matrix(vector.request.predictions)
        let options = vector.lossOptions
        let (mean, sum, losses): (Double, Double, [Double])
        switch (vector.loss, vector.request.labels) {
        case ("cce", .indices(let indices)):
            let result = categoricalCrossEntropy(predictions: predictions, labels: .indices(indices), options: options)
            (mean, sum, losses) = (result.mean, result.sum, result.losses)
        case ("cce", .rows(let rows)):
            let result = categoricalCrossEntropy(
                predictions: predictions, labels: .distributions(Matrix(rows)), options: options)
            (mean, sum, losses) = (result.mean, result.sum, result.losses)
        case (_, .indices(let flat)):
            let targets = Matrix(flat.map { [Double($0)] })
            let result = binaryCrossEntropy(predictions: predictions, targets: targets, options: options)
            (mean, sum, losses) = (result.mean, result.sum, result.losses)
        case (_, .rows(let rows)):
            let result = binaryCrossEntropy(predictions: predictions, targets: Matrix(rows), options: options)
            (mean, sum, losses) = (result.mean, result.sum, result.losses)
        }
        let absolute = vector.roundingAllowance
        expectClose([mean], [vector.expected.loss], absolute, vector.name + " loss")
        expectClose([sum], [vector.expected.sum], absolute, vector.name + " sum")
        expectClose(losses, vector.expected.losses, absolute, vector.name + " losses")
    }

    /// The confident cases are there to tell PyTorch's own expressions from other stable ones:
    /// with the PyTorch convention computing BCE the stable way, they must fail.
    @Test func confidentCasesAreSensitiveToTheFormula() throws {
        let vector = try #require(GoldenVector.all.first { $0.name == "pytorch-bce-logits-confident-1x6" })
        let stable = binaryCrossEntropy(
            predictions: Matrix(vector.request.predictions),
            targets: Matrix(vector.request.predictions.map { _ in [0, 0, 1, 1, 0, 0] }),
            options: LossOptions(convention: .document, predictionKind: .logits, base: .e)
        )
        #expect(!isClose(stable.sum, vector.expected.sum, relative: 1e-6, absolute: 0))
    }

    private func expectClose(_ actual: [Double], _ expected: [Double], _ absolute: Double, _ what: String) {
        #expect(actual.count == expected.count, "\(what): count")
        for (a, e) in zip(actual, expected) {
            #expect(isClose(a, e, relative: 1e-12, absolute: absolute), "\(what): \(a) vs \(e)")
        }
    }
}
