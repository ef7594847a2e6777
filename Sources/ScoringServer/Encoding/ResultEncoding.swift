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
        evaluation: Evaluation,
        perSample: Bool,
        to json: inout JSONWriter
    ) {
        let band = { (loss: Double) in CategoricalBand.of(loss: loss, classes: classes, base: options.base).rawValue }
        json.raw("{")
        json.key("loss")
        json.number(result.mean)
        json.comma()
        writeCommon(sum: result.sum, n: result.losses.count, classes: classes, base: options.base, to: &json)
        json.key("band")
        json.string(band(result.mean))
        writeEvaluation(evaluation, to: &json)
        SettingsEncoding.write(options, loss: .cce, indexLabels: indexLabels, to: &json)
        if perSample {
            json.comma()
            writePerSample(result.losses, band: band, to: &json)
        }
        json.raw("}")
    }

    static func writeBinary(
        _ result: BinaryLoss,
        options: LossOptions,
        evaluation: Evaluation,
        perSample: Bool,
        to json: inout JSONWriter
    ) {
        let band = { (loss: Double) in BinaryBand.of(loss: loss, base: options.base).rawValue }
        json.raw("{")
        json.key("loss")
        json.number(result.mean)
        json.comma()
        json.key("mean_per_element")
        json.number(result.meanPerElement)
        json.comma()
        writeCommon(
            sum: result.sum,
            n: result.losses.count,
            classes: result.classLosses.count,
            base: options.base,
            to: &json
        )
        json.key("band")
        json.string(band(result.mean))
        writeEvaluation(evaluation, to: &json)
        SettingsEncoding.write(options, loss: .bce, indexLabels: false, to: &json)
        json.comma()
        json.key("class_losses")
        json.numbers(result.classLosses)
        if perSample {
            json.comma()
            writePerSample(result.losses, band: band, to: &json)
        }
        json.raw("}")
    }

    /// `,"perplexity":…,"accuracy":…,"normalized_entropy":…` for the figures that are defined.
    private static func writeEvaluation(_ evaluation: Evaluation, to json: inout JSONWriter) {
        if let perplexity = evaluation.perplexity, perplexity.isFinite {
            json.comma()
            json.key("perplexity")
            json.number(perplexity)
        }
        if let accuracy = evaluation.accuracy {
            json.comma()
            json.key("accuracy")
            json.number(accuracy)
        }
        if let entropy = evaluation.normalizedEntropy, entropy.isFinite {
            json.comma()
            json.key("normalized_entropy")
            json.number(entropy)
        }
    }

    /// `"sum":…,"base":…,"unit":…,"n":…,"classes":…,` (with the trailing comma).
    private static func writeCommon(sum: Double, n: Int, classes: Int, base: LogBase, to json: inout JSONWriter) {
        json.key("sum")
        json.number(sum)
        json.comma()
        json.key("base")
        switch base {
        case .two: json.integer(2)
        case .e: json.string("e")
        case .ten: json.integer(10)
        }
        json.comma()
        json.key("unit")
        json.string(base.unit)
        json.comma()
        json.key("n")
        json.integer(n)
        json.comma()
        json.key("classes")
        json.integer(classes)
        json.comma()
    }

    private static func writePerSample(_ losses: [Double], band: (Double) -> String, to json: inout JSONWriter) {
        json.key("losses")
        json.numbers(losses)
        json.comma()
        json.key("bands")
        json.raw("[")
        for (i, loss) in losses.enumerated() {
            if i > 0 { json.comma() }
            json.string(band(loss))
        }
        json.raw("]")
    }
}
