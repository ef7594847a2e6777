import CrossEntropy

/// Writes the 200 answer of /cce and /bce (and of each successful batch job).
enum ResultEncoding {
    /// Figures beside the loss; each is left out of the answer when it is undefined (or, for a
    /// perplexity beyond float64, infinite).
    struct Evaluation {
        var perplexity: Double?
        var accuracy: Double?
        var normalizedEntropy: Double?
    }

    /// `denominator`, `standard_error` and `interval`, each left out when undefined (fewer than
    /// two samples count) or not finite (a denominator of 1e308 weights summed).
    struct Uncertainty {
        var denominator: Double?
        var standardError: Double?
        var interval: (low: Double, high: Double)?

        /// The figures of `moments` around the reported loss; the t quantile is computed once,
        /// and only when there is a standard error to multiply.
        init(_ moments: RatioMoments, loss: Double, confidence: Double) {
            let denominator = moments.denominator
            self.denominator = denominator.isFinite ? denominator : nil
            standardError = moments.standardError
            if standardError != nil {
                let critical = StudentT.twoSidedCritical(
                    confidence: confidence, degreesOfFreedom: Double(moments.count - 1))
                interval = moments.interval(around: loss, critical: critical)
            }
        }
    }

    static func writeCategorical(
        _ result: CategoricalLoss,
        samples: Int,
        classes: Int,
        indexLabels: Bool,
        options: LossOptions,
        measure: BandMeasure,
        evaluation: Evaluation,
        uncertainty: Uncertainty,
        perClass: [ClassLoss]?,
        answer: AnswerOptions,
        tally: ScoringTally,
        to json: inout JSONWriter
    ) {
        let band = { (loss: Double) in measure.categoricalBand(loss, classes: classes) }
        json.object { object in
            object.member("loss", result.mean)
            writeCommon(
                sum: result.sum, uncertainty: uncertainty, n: samples, classes: classes,
                base: options.base, to: &object)
            if let ignored = answer.ignoredTotal { object.member("ignored", ignored) }
            object.member("band", band(measure.mean).rawValue)
            writeEvaluation(evaluation, to: &object)
            if let model = answer.model { object.member("model", model) }
            SettingsEncoding.write(
                options, loss: .cce, indexLabels: indexLabels, answer: answer, to: &object)
            if let perClass { writePerClass(perClass, to: &object) }
            if answer.perSample {
                writePerSample(
                    result.losses, measures: measure.losses, ignored: answer.ignored, band: band, tally: tally,
                    to: &object)
            } else {
                tally.record(measure.losses.reduce(into: BandCounts()) { $0.add(band($1)) })
            }
        }
        tally.record(loss: measure.mean, base: measure.base)
    }

    static func writeBinary(
        _ result: BinaryLoss,
        samples: Int,
        options: LossOptions,
        measure: BandMeasure,
        evaluation: Evaluation,
        uncertainty: Uncertainty,
        answer: AnswerOptions,
        tally: ScoringTally,
        to json: inout JSONWriter
    ) {
        let band = { (loss: Double) in measure.binaryBand(loss) }
        json.object { object in
            object.member("loss", result.mean)
            object.member("mean_per_element", result.meanPerElement)
            writeCommon(
                sum: result.sum, uncertainty: uncertainty, n: samples,
                classes: result.classLosses.count, base: options.base, to: &object)
            object.member("band", band(measure.mean).rawValue)
            writeEvaluation(evaluation, to: &object)
            if let model = answer.model { object.member("model", model) }
            SettingsEncoding.write(options, loss: .bce, indexLabels: false, answer: answer, to: &object)
            object.member("class_losses", result.classLosses)
            if answer.perSample {
                writePerSample(
                    result.losses, measures: measure.losses, ignored: nil, band: band, tally: tally, to: &object)
            } else {
                tally.record(measure.losses.reduce(into: BandCounts()) { $0.add(band($1)) })
            }
        }
        tally.record(loss: measure.mean, base: measure.base)
    }

    /// `"perplexity"`, `"accuracy"`, `"normalized_entropy"`: those that are defined.
    private static func writeEvaluation(_ evaluation: Evaluation, to object: inout JSONObjectWriter) {
        if let perplexity = evaluation.perplexity, perplexity.isFinite {
            object.member("perplexity", perplexity)
        }
        if let accuracy = evaluation.accuracy, accuracy.isFinite {
            object.member("accuracy", accuracy)
        }
        if let entropy = evaluation.normalizedEntropy, entropy.isFinite {
            object.member("normalized_entropy", entropy)
        }
    }

    /// `"sum"`, `"denominator"`, `"standard_error"`, `"interval"`, `"base"`, `"unit"`, `"n"`,
    /// `"classes"`.
    private static func writeCommon(
        sum: Double, uncertainty: Uncertainty, n: Int, classes: Int, base: LogBase,
        to object: inout JSONObjectWriter
    ) {
        object.member("sum", sum)
        if let denominator = uncertainty.denominator { object.member("denominator", denominator) }
        if let error = uncertainty.standardError { object.member("standard_error", error) }
        if let interval = uncertainty.interval {
            object.member("interval") { json in
                json.append(UInt8(ascii: "["))
                json.number(interval.low)
                json.comma()
                json.number(interval.high)
                json.append(UInt8(ascii: "]"))
            }
        }
        writeBase(base, to: &object)
        object.member("unit", base.unit)
        object.member("n", n)
        object.member("classes", classes)
    }

    /// `"per_class":[{"class":j,"n":…,"loss":…},…]`: the loss is left out of a class whose
    /// samples all weigh 0.
    private static func writePerClass(_ perClass: [ClassLoss], to object: inout JSONObjectWriter) {
        object.member("per_class") { json in
            json.array(perClass) { json, entry in
                json.object { item in
                    item.member("class", entry.classIndex)
                    item.member("n", entry.count)
                    if let loss = entry.loss { item.member("loss", loss) }
                }
            }
        }
    }

    /// `"base":2`, `"base":"e"` or `"base":10`: the base as requests give it.
    static func writeBase(_ base: LogBase, to object: inout JSONObjectWriter) {
        switch base {
        case .two: object.member("base", 2)
        case .e: object.member("base", "e")
        case .ten: object.member("base", 10)
        }
    }

    /// `"losses":[…],"bands":[…]`: each sample's reported loss, and the band of its measure,
    /// counted for the tally as they are written; `null` in both for each sample `ignored`
    /// (it has no loss, which a 0 would misstate as a perfect prediction).
    private static func writePerSample<Band: RawRepresentable<String> & Equatable>(
        _ losses: [Double], measures: [Double], ignored: IgnoredSamples?, band: (Double) -> Band,
        tally: ScoringTally, to object: inout JSONObjectWriter
    ) {
        var counts = BandCounts<Band>()
        guard let ignored else {
            object.member("losses", losses)
            object.member("bands") { json in
                json.array(measures) { json, measure in
                    let sampleBand = band(measure)
                    counts.add(sampleBand)
                    json.string(sampleBand.rawValue)
                }
            }
            tally.record(counts)
            return
        }
        object.member("losses") { json in
            json.array(ignored.restoring(losses)) { json, loss in
                if let loss { json.number(loss) } else { json.null() }
            }
        }
        object.member("bands") { json in
            json.array(ignored.restoring(measures)) { json, measure in
                guard let measure else { return json.null() }
                let sampleBand = band(measure)
                counts.add(sampleBand)
                json.string(sampleBand.rawValue)
            }
        }
        tally.record(counts)
    }
}
