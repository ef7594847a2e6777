import CrossEntropy
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
        expectClose([mean], [vector.expected.loss], vector.name + " loss")
        expectClose([sum], [vector.expected.sum], vector.name + " sum")
        expectClose(losses, vector.expected.losses, vector.name + " losses")
    }

    private func expectClose(_ actual: [Double], _ expected: [Double], _ what: String) {
        #expect(actual.count == expected.count, "\(what): count")
        for (a, e) in zip(actual, expected) {
            // Near 0 (a row Keras renormalises to 1 - 6e-6), one rounding of the row's sum is
            // already 1e-11 relative: compare such values to 1e-15 absolute.
            #expect(isClose(a, e, relative: 1e-12, absolute: 1e-15), "\(what): \(a) vs \(e)")
        }
    }
}
