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
        json.member(
            "measure",
            "effective true-class probability p = base^(-loss) of the document's cross-entropy of the true class(es), without class weights or label smoothing, whatever the convention"
        )
        json.nextMember("relative_tolerance", BandTolerance.relative)
        json.comma()
        json.key("bands")
        json.raw("[")
        json.raw("{\"name\":\"perfect\",\"condition\":\"loss = 0 (within 1e-12)\",\"max_loss_bits\":0,")
        json.member("description", CategoricalBand.perfect.summary)
        json.raw("}")
        for (band, minimum) in CategoricalBand.probabilityThresholds {
            json.raw(",{")
            json.member("name", band.rawValue)
            json.nextMember("condition", "p >= \(minimum)")
            json.nextMember("min_probability", minimum)
            json.nextMember("max_loss_bits", -log2(minimum))
            json.nextMember("description", band.summary)
            json.raw("}")
        }
        json.raw(",{\"name\":\"very_low\",\"condition\":\"p >= 1/classes (chance level)\",")
        json.raw("\"max_loss_bits\":\"log2(classes)\",")
        json.member("description", CategoricalBand.veryLow.summary)
        json.raw("},{\"name\":\"wrong\",\"condition\":\"p < 1/classes\",")
        json.member("description", CategoricalBand.wrong.summary)
        json.raw("}]},\"bce\":{")
        json.member(
            "measure",
            "the document's per-sample loss summed over classes, in bits, without pos_weight or label smoothing, whatever the convention"
        )
        json.nextMember("relative_tolerance", BandTolerance.relative)
        json.comma()
        json.key("bands")
        json.raw("[")
        for (band, maximum) in BinaryBand.bitThresholds {
            json.raw("{")
            json.member("name", band.rawValue)
            json.nextMember("condition", "bits <= \(maximum)")
            json.nextMember("max_bits", maximum)
            json.nextMember("description", band.summary)
            json.raw("},")
        }
        json.raw("{\"name\":\"wrong\",\"condition\":\"bits > 2.0\",")
        json.member("description", BinaryBand.wrong.summary)
        json.raw("}]}}")
        return json.bytes
    }()
}
