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
        json.object { tables in
            tables.member("cce", object: categorical)
            tables.member("bce", object: binary)
        }
        return json.bytes
    }()

    /// The CCE table: conditions and limits from `CategoricalBand` and `BandTolerance`.
    private static func categorical(_ table: inout JSONObjectWriter) {
        table.member(
            "measure",
            "effective true-class probability p = base^(-loss) of the document's cross-entropy of the true class(es), without class weights or label smoothing, whatever the convention"
        )
        table.member("relative_tolerance", BandTolerance.relative)
        table.member("bands") { json in
            json.array(CategoricalBand.allCases) { json, band in
                json.object { row in
                    row.member("name", band.rawValue)
                    switch band {
                    case .perfect:
                        row.member("condition", "loss = 0 (within \(BandTolerance.perfect))")
                        row.member("max_loss_bits", 0.0)
                    case .veryLow:
                        row.member("condition", "p >= 1/classes (chance level)")
                        // The edge depends on the request's class count, so no number here (a
                        // typed client keeps max_loss_bits numeric); the rule has its own field.
                        row.member("max_loss_bits_rule", "log2(classes)")
                    case .wrong:
                        row.member("condition", "p < 1/classes")
                    default:
                        let minimum = CategoricalBand.probabilityThresholds.first { $0.band == band }?.minimum ?? 0
                        row.member("condition", "p >= \(minimum)")
                        row.member("min_probability", minimum)
                        row.member("max_loss_bits", -log2(minimum))
                    }
                    row.member("description", band.summary)
                }
            }
        }
    }

    /// The BCE table: conditions and limits from `BinaryBand.bitThresholds`.
    private static func binary(_ table: inout JSONObjectWriter) {
        table.member(
            "measure",
            "the document's per-sample loss summed over classes, in bits, without pos_weight or label smoothing, whatever the convention"
        )
        table.member("relative_tolerance", BandTolerance.relative)
        let largest = BinaryBand.bitThresholds.last?.maximumBits ?? 0
        table.member("bands") { json in
            json.array(BinaryBand.allCases) { json, band in
                json.object { row in
                    row.member("name", band.rawValue)
                    if let maximum = BinaryBand.bitThresholds.first(where: { $0.band == band })?.maximumBits {
                        row.member("condition", "bits <= \(maximum)")
                        row.member("max_bits", maximum)
                    } else {
                        row.member("condition", "bits > \(largest)")
                    }
                    row.member("description", band.summary)
                }
            }
        }
    }
}
