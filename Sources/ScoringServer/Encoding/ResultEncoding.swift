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
        to json: inout JSONWriter
    ) {
        let band = { (loss: Double) in measure.categoricalBand(loss, classes: classes) }
        json.raw("{")
        json.member("loss", result.mean)
        writeCommon(sum: result.sum, n: result.losses.count, classes: classes, base: options.base, to: &json)
        json.nextMember("band", band(measure.mean).rawValue)
        writeEvaluation(evaluation, to: &json)
        SettingsEncoding.write(options, loss: .cce, indexLabels: indexLabels, to: &json)
        if perSample {
            json.comma()
            writePerSample(result.losses, measures: measure.losses, band: band, to: &json)
        } else {
            tallyBands(measure.losses, band: band)
        }
        ScoringTally.current?.record(loss: measure.mean, base: measure.base)
        json.raw("}")
    }

    static func writeBinary(
        _ result: BinaryLoss,
        options: LossOptions,
        measure: BandMeasure,
        evaluation: Evaluation,
        perSample: Bool,
        to json: inout JSONWriter
    ) {
        let band = { (loss: Double) in measure.binaryBand(loss) }
        json.raw("{")
        json.member("loss", result.mean)
        json.nextMember("mean_per_element", result.meanPerElement)
        writeCommon(
            sum: result.sum,
            n: result.losses.count,
            classes: result.classLosses.count,
            base: options.base,
            to: &json
        )
        json.nextMember("band", band(measure.mean).rawValue)
        writeEvaluation(evaluation, to: &json)
        SettingsEncoding.write(options, loss: .bce, indexLabels: false, to: &json)
        json.comma()
        json.key("class_losses")
        json.numbers(result.classLosses)
        if perSample {
            json.comma()
            writePerSample(result.losses, measures: measure.losses, band: band, to: &json)
        } else {
            tallyBands(measure.losses, band: band)
        }
        ScoringTally.current?.record(loss: measure.mean, base: measure.base)
        json.raw("}")
    }

    /// `,"perplexity":…,"accuracy":…,"normalized_entropy":…` for the figures that are defined.
    private static func writeEvaluation(_ evaluation: Evaluation, to json: inout JSONWriter) {
        if let perplexity = evaluation.perplexity, perplexity.isFinite {
            json.nextMember("perplexity", perplexity)
        }
        if let accuracy = evaluation.accuracy, accuracy.isFinite {
            json.nextMember("accuracy", accuracy)
        }
        if let entropy = evaluation.normalizedEntropy, entropy.isFinite {
            json.nextMember("normalized_entropy", entropy)
        }
    }

    /// `,"sum":…,"base":…,"unit":…,"n":…,"classes":…`.
    private static func writeCommon(sum: Double, n: Int, classes: Int, base: LogBase, to json: inout JSONWriter) {
        json.nextMember("sum", sum)
        json.comma()
        writeBase(base, to: &json)
        json.nextMember("unit", base.unit)
        json.nextMember("n", n)
        json.nextMember("classes", classes)
    }

    /// `"base":2`, `"base":"e"` or `"base":10`: the base as requests give it.
    static func writeBase(_ base: LogBase, to json: inout JSONWriter) {
        switch base {
        case .two: json.member("base", 2)
        case .e: json.member("base", "e")
        case .ten: json.member("base", 10)
        }
    }

    /// `"losses":[…],"bands":[…]`: each sample's reported loss, and the band of its measure,
    /// counting the bands for the tally as they are written.
    private static func writePerSample<Band: RawRepresentable<String> & Equatable>(
        _ losses: [Double], measures: [Double], band: (Double) -> Band, to json: inout JSONWriter
    ) {
        let tally = ScoringTally.current
        var counts = BandCounts<Band>()
        json.key("losses")
        json.numbers(losses)
        json.comma()
        json.key("bands")
        json.raw("[")
        for (i, measure) in measures.enumerated() {
            if i > 0 { json.comma() }
            let sampleBand = band(measure)
            if tally != nil { counts.add(sampleBand) }
            json.string(sampleBand.rawValue)
        }
        json.raw("]")
        tally?.record(counts)
    }

    /// Without the per-sample arrays, the bands are counted from the n losses alone (never the
    /// n × C matrix), and only while a tally listens.
    private static func tallyBands<Band: RawRepresentable<String> & Equatable>(
        _ losses: [Double], band: (Double) -> Band
    ) {
        guard let tally = ScoringTally.current else { return }
        var counts = BandCounts<Band>()
        for loss in losses { counts.add(band(loss)) }
        tally.record(counts)
    }
}
