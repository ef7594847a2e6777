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

    static func writeCategorical(
        _ result: CategoricalLoss,
        classes: Int,
        indexLabels: Bool,
        options: LossOptions,
        measure: BandMeasure,
        evaluation: Evaluation,
        perSample: Bool,
        tally: ScoringTally,
        to json: inout JSONWriter
    ) {
        let band = { (loss: Double) in measure.categoricalBand(loss, classes: classes) }
        json.object { object in
            object.member("loss", result.mean)
            writeCommon(sum: result.sum, n: result.losses.count, classes: classes, base: options.base, to: &object)
            object.member("band", band(measure.mean).rawValue)
            writeEvaluation(evaluation, to: &object)
            SettingsEncoding.write(options, loss: .cce, indexLabels: indexLabels, to: &object)
            if perSample {
                writePerSample(result.losses, measures: measure.losses, band: band, tally: tally, to: &object)
            } else {
                tally.record(measure.losses.reduce(into: BandCounts()) { $0.add(band($1)) })
            }
        }
        tally.record(loss: measure.mean, base: measure.base)
    }

    static func writeBinary(
        _ result: BinaryLoss,
        options: LossOptions,
        measure: BandMeasure,
        evaluation: Evaluation,
        perSample: Bool,
        tally: ScoringTally,
        to json: inout JSONWriter
    ) {
        let band = { (loss: Double) in measure.binaryBand(loss) }
        json.object { object in
            object.member("loss", result.mean)
            object.member("mean_per_element", result.meanPerElement)
            writeCommon(
                sum: result.sum, n: result.losses.count, classes: result.classLosses.count, base: options.base,
                to: &object)
            object.member("band", band(measure.mean).rawValue)
            writeEvaluation(evaluation, to: &object)
            SettingsEncoding.write(options, loss: .bce, indexLabels: false, to: &object)
            object.member("class_losses", result.classLosses)
            if perSample {
                writePerSample(result.losses, measures: measure.losses, band: band, tally: tally, to: &object)
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

    /// `"sum"`, `"base"`, `"unit"`, `"n"`, `"classes"`.
    private static func writeCommon(
        sum: Double, n: Int, classes: Int, base: LogBase, to object: inout JSONObjectWriter
    ) {
        object.member("sum", sum)
        writeBase(base, to: &object)
        object.member("unit", base.unit)
        object.member("n", n)
        object.member("classes", classes)
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
    /// counted for the tally as they are written.
    private static func writePerSample<Band: RawRepresentable<String> & Equatable>(
        _ losses: [Double], measures: [Double], band: (Double) -> Band, tally: ScoringTally,
        to object: inout JSONObjectWriter
    ) {
        var counts = BandCounts<Band>()
        object.member("losses", losses)
        object.member("bands") { json in
            json.array(measures) { json, measure in
                let sampleBand = band(measure)
                counts.add(sampleBand)
                json.string(sampleBand.rawValue)
            }
        }
        tally.record(counts)
    }
}
