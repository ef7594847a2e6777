import CrossEntropy

/// Writes the 200 answer of /cce and /bce (and of each successful batch job).
enum ResultEncoding {
    static func writeCategorical(
        _ result: CategoricalLoss,
        classes: Int,
        options: LossOptions,
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
        if perSample {
            json.comma()
            writePerSample(result.losses, band: band, to: &json)
        }
        json.raw("}")
    }

    static func writeBinary(
        _ result: BinaryLoss,
        options: LossOptions,
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
        json.comma()
        json.key("class_losses")
        json.numbers(result.classLosses)
        if perSample {
            json.comma()
            writePerSample(result.losses, band: band, to: &json)
        }
        json.raw("}")
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
