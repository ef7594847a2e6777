import CrossEntropy

/// Whether a result can be written (JSON has no infinity or NaN), and, when it cannot, which
/// field made it overflow: found before anything is written, and answered 422 at that field.
enum OverflowDiagnosis {
    /// Every number the answer would carry is finite: loss, sum, per-sample losses (when asked
    /// for). Perplexity and normalized entropy are left out when they are not.
    static func isWritable(_ result: CategoricalLoss, perSample: Bool) -> Bool {
        result.mean.isFinite && result.sum.isFinite && result.weightedMean.isFinite
            && (!perSample || result.losses.allSatisfy(\.isFinite))
    }

    /// As above, with mean_per_element and class_losses.
    static func isWritable(_ result: BinaryLoss, perSample: Bool) -> Bool {
        result.mean.isFinite && result.sum.isFinite && result.weightedMean.isFinite
            && result.meanPerElement.isFinite && result.classLosses.allSatisfy(\.isFinite)
            && (!perSample || result.losses.allSatisfy(\.isFinite))
    }

    /// The 422 for a job whose result is not writable. Runs on the error path only: the job is
    /// scored again without its sample weights, then without its class (or positive) weights
    /// too; the first field whose removal makes the result finite is the cause, and when
    /// nothing does, the predictions are (logits too far apart or too large).
    static func problem(for job: ScoringJob, pointerPrefix: String) -> Problem {
        let field: ScoringField
        switch job {
        case .categorical(let predictions, let labels, let options, let answer):
            let writable = { (options: LossOptions) in
                isWritable(
                    categoricalCrossEntropy(predictions: predictions, labels: labels, options: options),
                    perSample: answer.perSample)
            }
            field = cause(options, classWeightField: .classWeights, writable: writable)
        case .binary(let predictions, let targets, let options, let answer):
            let writable = { (options: LossOptions) in
                isWritable(
                    binaryCrossEntropy(predictions: predictions, targets: targets, options: options),
                    perSample: answer.perSample)
            }
            field = cause(options, classWeightField: .positiveWeights, writable: writable)
        }
        return Problem.validation([
            Problem.Detail(pointer: FieldPointer(prefix: pointerPrefix)(field), detail: detail(field))
        ])
    }

    private static func cause(
        _ options: LossOptions, classWeightField: ScoringField, writable: (LossOptions) -> Bool
    ) -> ScoringField {
        var unweighted = options
        unweighted.sampleWeights = nil
        unweighted.classWeights = nil
        unweighted.positiveWeights = nil
        if !writable(unweighted) { return .predictions }
        if options.classWeights != nil || options.positiveWeights != nil {
            var classWeighted = unweighted
            classWeighted.classWeights = options.classWeights
            classWeighted.positiveWeights = options.positiveWeights
            if !writable(classWeighted) { return classWeightField }
        }
        return options.sampleWeights != nil ? .sampleWeights : .predictions
    }

    static func detail(_ field: ScoringField) -> String {
        switch field {
        case .sampleWeights:
            "with these sample_weights the weighted sum is beyond float64's range; "
                + "divide them by a common factor (the weighted mean does not change)"
        case .classWeights:
            "with these class_weights the loss is beyond float64's range; divide them by a common factor"
        case .positiveWeights:
            "with these pos_weight values the loss is beyond float64's range; scale them down"
        default:
            "the loss is beyond float64's range (logits too far apart or too large); scale the logits down"
        }
    }
}
