import CrossEntropy

/// What each library lacks. An option a convention's library has no equivalent for is refused
/// with a 422 naming the library, rather than given an invented meaning.
struct ConventionRules {
    let convention: Convention
    let kind: LossKind
    let pointer: FieldPointer

    /// Rules on the options, checked before the matrices are read.
    func checkOptions(_ request: ScoringRequest, predictionKind: PredictionKind, _ problems: inout ValidationProblems) {
        let classWeightField = ScoringField.classWeightField(of: kind)
        let hasClassWeights = request.weights(classWeightField) != nil
        let smoothing = (request.labelSmoothing ?? 0) != 0
        switch convention {
        case .document:
            break
        case .sklearn:
            if predictionKind == .logits {
                problems.add(pointer(.input), "scikit-learn's log_loss takes probabilities, not logits")
            }
            if hasClassWeights {
                problems.add(pointer(classWeightField), "scikit-learn's log_loss has no class weights")
            }
            if smoothing { problems.add(pointer(.labelSmoothing), "scikit-learn's log_loss has no label smoothing") }
            if request.ignoreIndex != nil {
                problems.add(
                    pointer(.ignoreIndex),
                    "scikit-learn's log_loss has no ignore_index; leave the samples out (or send convention \"pytorch\")"
                )
            }
        case .pytorch:
            if kind == .cce && predictionKind == .probabilities {
                problems.add(
                    pointer(.input),
                    "PyTorch's cross_entropy takes logits; send \"input\": \"logits\" (the default for this convention)"
                )
            }
            if request.sampleWeights != nil {
                problems.add(pointer(.sampleWeights), "PyTorch's cross-entropy losses have no per-sample weights")
            }
            if kind == .bce && smoothing {
                problems.add(pointer(.labelSmoothing), "PyTorch's binary cross-entropy has no label smoothing")
            }
            if kind == .bce && hasClassWeights && predictionKind == .probabilities {
                problems.add(
                    pointer(.positiveWeights),
                    "PyTorch's binary_cross_entropy has no pos_weight; binary_cross_entropy_with_logits has (send logits)"
                )
            }
        case .keras:
            if request.ignoreIndex != nil {
                // Keras' ignore_class divides by the kept count + 1e-7: not a sum of weights, and
                // not within 1e-12 of one.
                problems.add(
                    pointer(.ignoreIndex),
                    "Keras' losses have no ignore_index (ignore_class divides by the kept count + 1e-7, which is not reproduced); leave the samples out"
                )
            }
            if kind == .cce && smoothing, case .flat? = request.labels {
                // Index labels are SparseCategoricalCrossentropy's, which has no label_smoothing;
                // scoring them as one-hot rows would be CategoricalCrossentropy: say so instead.
                problems.add(
                    pointer(.labelSmoothing),
                    "Keras' SparseCategoricalCrossentropy (index labels) has no label_smoothing; send one-hot rows as labels for CategoricalCrossentropy's smoothing"
                )
            }
            if hasClassWeights {
                problems.add(
                    pointer(classWeightField),
                    "Keras' losses have no class weights (Model.fit turns class_weight into sample weights: send sample_weights)"
                )
            }
        }
    }

    /// scikit-learn's log_loss scores one probability column against class labels.
    func checkBinaryShape(classes: Int, _ problems: inout ValidationProblems) {
        if convention == .sklearn && classes > 1 {
            problems.add(
                pointer(.predictions),
                "scikit-learn's log_loss scores one binary column; \(classes)-class multi-label BCE has no scikit-learn equivalent"
            )
        }
    }

    /// scikit-learn takes class labels (or one-hot rows) only.
    func checkLabels(_ labels: CategoricalLabels, _ problems: inout ValidationProblems) {
        if convention == .sklearn, case .distributions(let targets) = labels,
            !targets.values.allSatisfy({ $0 == 0 || $0 == 1 })
        {
            problems.add(
                pointer(.labels), "scikit-learn's log_loss takes class labels (or one-hot rows), not soft targets")
        }
    }

    /// scikit-learn's binary log_loss takes 0/1 labels.
    func checkBinaryTargets(_ targets: Matrix, _ problems: inout ValidationProblems) {
        if convention == .sklearn && !targets.values.allSatisfy({ $0 == 0 || $0 == 1 }) {
            problems.add(pointer(.labels), "scikit-learn's log_loss takes class labels 0 and 1, not soft targets")
        }
    }
}
