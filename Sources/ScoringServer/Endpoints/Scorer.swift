import CrossEntropy

/// Runs a validated job through the core library and writes its JSON result.
enum Scorer {
    /// Writes the result object, or throws a 422 when the loss is not a finite float64
    /// (logits so extreme that their differences overflow).
    static func score(_ job: ScoringJob, pointerPrefix: String, to json: inout JSONWriter) throws(Problem) {
        switch job {
        case .categorical(let predictions, let labels, let options, let perSample):
            let result = categoricalCrossEntropy(predictions: predictions, labels: labels, options: options)
            try checkFinite(result.sum, pointerPrefix: pointerPrefix)
            let classes = predictions.columns
            let evaluation = ResultEncoding.Evaluation(
                perplexity: options.base.power(result.mean),
                accuracy: categoricalAccuracy(predictions: predictions, labels: labels, options: options),
                normalizedEntropy: NormalizedEntropy.categorical(
                    loss: result.weightedMean,
                    labels: labels,
                    classes: classes,
                    options: options
                )
            )
            ResultEncoding.writeCategorical(
                result,
                classes: classes,
                indexLabels: labels.isIndices,
                options: options,
                evaluation: evaluation,
                perSample: perSample,
                to: &json
            )
        case .binary(let predictions, let targets, let options, let perSample):
            let result = binaryCrossEntropy(predictions: predictions, targets: targets, options: options)
            try checkFinite(result.sum, pointerPrefix: pointerPrefix)
            let evaluation = ResultEncoding.Evaluation(
                perplexity: nil,
                accuracy: binaryAccuracy(predictions: predictions, targets: targets, options: options),
                normalizedEntropy: NormalizedEntropy.binary(
                    loss: result.weightedMean, targets: targets, options: options)
            )
            ResultEncoding.writeBinary(
                result, options: options, evaluation: evaluation, perSample: perSample, to: &json)
        }
    }

    /// The sum is finite exactly when every per-sample and per-class value is.
    private static func checkFinite(_ sum: Double, pointerPrefix: String) throws(Problem) {
        guard sum.isFinite else {
            throw Problem.validation([
                Problem.Detail(
                    pointer: pointerPrefix + "/predictions",
                    detail: "the loss overflows float64 (logits too far apart); scale the logits down"
                )
            ])
        }
    }

    /// The number of samples of a job.
    static func samples(_ job: ScoringJob) -> Int {
        switch job {
        case .categorical(let predictions, _, _, _), .binary(let predictions, _, _, _):
            predictions.rows
        }
    }

    /// The element count of a job, to decide whether it is worth a thread of its own.
    static func workload(_ job: ScoringJob) -> Int {
        switch job {
        case .categorical(let predictions, _, _, _), .binary(let predictions, _, _, _):
            predictions.values.count
        }
    }
}
