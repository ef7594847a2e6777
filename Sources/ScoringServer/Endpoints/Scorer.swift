import CrossEntropy

/// What scoring a job computed, for a comparison of two jobs over the same samples.
enum ScoredLoss {
    case categorical(CategoricalLoss, labels: CategoricalLabels, options: LossOptions)
    case binary(BinaryLoss, options: LossOptions)
}

/// Runs a validated job through the core library and writes its JSON result.
enum Scorer {
    /// Writes the result object, or throws a 422 naming the field that makes a number of it
    /// beyond float64 (logits too far apart, weights too large), before anything is written.
    /// `tally` learns the samples' bands and the loss, for the model-quality metrics.
    @discardableResult
    static func score(_ job: ScoringJob, pointerPrefix: String, tally: ScoringTally, to json: inout JSONWriter)
        throws(Problem) -> ScoredLoss
    {
        switch job {
        case .categorical(let predictions, let labels, let options, let answer):
            let result = categoricalCrossEntropy(predictions: predictions, labels: labels, options: options)
            guard OverflowDiagnosis.isWritable(result, perSample: answer.perSample) else {
                throw OverflowDiagnosis.problem(for: job, pointerPrefix: pointerPrefix)
            }
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
            var perClass: [ClassLoss]?
            if answer.perClass, case .indices(let indices) = labels {
                perClass = LossTerms.perClass(result, labels: indices, classes: classes, options: options)
            }
            ResultEncoding.writeCategorical(
                result,
                samples: result.losses.count,
                classes: classes,
                indexLabels: labels.isIndices,
                options: options,
                measure: BandMeasure.categorical(
                    predictions: predictions, labels: labels, options: options, reported: result),
                evaluation: evaluation,
                uncertainty: ResultEncoding.Uncertainty(
                    LossTerms.categorical(result, labels: labels, options: options), loss: result.mean,
                    confidence: answer.confidence),
                perClass: perClass,
                answer: answer,
                tally: tally,
                to: &json
            )
            return .categorical(result, labels: labels, options: options)
        case .binary(let predictions, let targets, let options, let answer):
            let result = binaryCrossEntropy(predictions: predictions, targets: targets, options: options)
            guard OverflowDiagnosis.isWritable(result, perSample: answer.perSample) else {
                throw OverflowDiagnosis.problem(for: job, pointerPrefix: pointerPrefix)
            }
            let evaluation = ResultEncoding.Evaluation(
                perplexity: nil,
                accuracy: binaryAccuracy(predictions: predictions, targets: targets, options: options),
                normalizedEntropy: NormalizedEntropy.binary(
                    loss: result.weightedMean, targets: targets, options: options)
            )
            let measure = BandMeasure.binary(
                predictions: predictions, targets: targets, options: options, reported: result)
            let uncertainty = ResultEncoding.Uncertainty(
                LossTerms.binary(result, options: options), loss: result.mean, confidence: answer.confidence)
            ResultEncoding.writeBinary(
                result, samples: result.losses.count, options: options, measure: measure, evaluation: evaluation,
                uncertainty: uncertainty,
                answer: answer, tally: tally, to: &json)
            return .binary(result, options: options)
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
