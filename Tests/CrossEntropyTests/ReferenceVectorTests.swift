import CrossEntropy
import TestSupport
import Testing

/// The core library against scikit-learn's log_loss and scipy's stable log-softmax and
/// log-sigmoid (PyTorch's semantics), to 1e-12 relative.
@Suite struct ReferenceVectorTests {
    @Test func theFileHasEveryKindOfCase() {
        let names = ReferenceVector.all.map(\.name)
        #expect(names.count >= 40)
        for prefix in [
            "cce-index", "cce-onehot", "cce-soft", "cce-logits-index", "cce-logits-soft", "bce-multihot", "bce-soft",
            "bce-logits",
        ] {
            #expect(names.contains { $0.hasPrefix(prefix) }, "no \(prefix) case")
        }
    }

    @Test(arguments: ReferenceVector.all)
    func matchesReference(vector: ReferenceVector) {
        let predictions = Matrix(vector.predictions)
        let mean: Double
        let sum: Double
        let losses: [Double]
        if vector.loss == "cce" {
            let labels: CategoricalLabels
            switch vector.labels {
            case .indices(let indices): labels = .indices(indices)
            case .rows(let rows): labels = .distributions(Matrix(rows))
            }
            let result = categoricalCrossEntropy(predictions: predictions, labels: labels, options: vector.lossOptions)
            (mean, sum, losses) = (result.mean, result.sum, result.losses)
        } else {
            guard case .rows(let rows) = vector.labels else {
                Issue.record("bce vectors have label rows")
                return
            }
            let result = binaryCrossEntropy(
                predictions: predictions, targets: Matrix(rows), options: vector.lossOptions)
            (mean, sum, losses) = (result.mean, result.sum, result.losses)
            if let expected = vector.expected.classLosses {
                expectClose(result.classLosses, expected, vector.name + " class_losses")
            }
        }
        expectClose([mean], [vector.expected.loss], vector.name + " loss")
        expectClose([sum], [vector.expected.sum], vector.name + " sum")
        expectClose(losses, vector.expected.losses, vector.name + " losses")
    }

    private func expectClose(_ actual: [Double], _ expected: [Double], _ what: String) {
        #expect(actual.count == expected.count, "\(what): count")
        for (a, e) in zip(actual, expected) {
            // Per-sample values of a clipped perfect prediction are ~1e-16: compare those absolutely.
            #expect(isClose(a, e, relative: 1e-12, absolute: 1e-15), "\(what): \(a) vs \(e)")
        }
    }
}

extension ReferenceVector: CustomTestStringConvertible {
    var testDescription: String { name }
}
