import CrossEntropy

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// GET /bands: both interpretation tables, built once from the core library's definitions.
enum BandsEndpoint {
    static let body: [UInt8] = {
        var json = JSONWriter(capacity: 2048)
        json.raw("{\"cce\":{")
        json.key("measure")
        json.string("effective true-class probability p = base^(-loss); independent of the base")
        json.comma()
        json.key("relative_tolerance")
        json.number(BandTolerance.relative)
        json.comma()
        json.key("bands")
        json.raw("[")
        json.raw("{\"name\":\"perfect\",\"condition\":\"loss = 0 (within 1e-12)\",\"max_loss_bits\":0,")
        json.key("description")
        json.string(CategoricalBand.perfect.summary)
        json.raw("}")
        for (band, minimum) in CategoricalBand.probabilityThresholds {
            json.raw(",{")
            json.key("name")
            json.string(band.rawValue)
            json.comma()
            json.key("condition")
            json.string("p >= \(minimum)")
            json.comma()
            json.key("min_probability")
            json.number(minimum)
            json.comma()
            json.key("max_loss_bits")
            json.number(-log2(minimum))
            json.comma()
            json.key("description")
            json.string(band.summary)
            json.raw("}")
        }
        json.raw(",{\"name\":\"very_low\",\"condition\":\"p >= 1/classes (chance level)\",")
        json.raw("\"max_loss_bits\":\"log2(classes)\",")
        json.key("description")
        json.string(CategoricalBand.veryLow.summary)
        json.raw("},{\"name\":\"wrong\",\"condition\":\"p < 1/classes\",")
        json.key("description")
        json.string(CategoricalBand.wrong.summary)
        json.raw("}]},\"bce\":{")
        json.key("measure")
        json.string("per-sample loss summed over classes, converted to bits")
        json.comma()
        json.key("relative_tolerance")
        json.number(BandTolerance.relative)
        json.comma()
        json.key("bands")
        json.raw("[")
        for (band, maximum) in BinaryBand.bitThresholds {
            json.raw("{")
            json.key("name")
            json.string(band.rawValue)
            json.comma()
            json.key("condition")
            json.string("bits <= \(maximum)")
            json.comma()
            json.key("max_bits")
            json.number(maximum)
            json.comma()
            json.key("description")
            json.string(band.summary)
            json.raw("},")
        }
        json.raw("{\"name\":\"wrong\",\"condition\":\"bits > 2.0\",")
        json.key("description")
        json.string(BinaryBand.wrong.summary)
        json.raw("}]}}")
        return json.bytes
    }()
}
