import CrossEntropy

/// What one answer's (one batch job's) scoring showed, for the model-quality metrics: its
/// samples by band and its loss in bits. ResultEncoding fills it while writing the answer,
/// where each sample's band is computed anyway, so the matrix is not gone over again.
/// One tally per job, filled by the one thread scoring it.
final class ScoringTally {
    /// A handful of bands at most: a scan costs less than hashing band names.
    private(set) var samplesByBand: [(band: String, count: Int)] = []
    private(set) var lossBits: Double?

    func record<Band>(_ counts: BandCounts<Band>) {
        for (band, count) in zip(counts.bands, counts.counts) {
            if let i = samplesByBand.firstIndex(where: { $0.band == band.rawValue }) {
                samplesByBand[i].count += count
            } else {
                samplesByBand.append((band.rawValue, count))
            }
        }
    }

    func record(loss: Double, base: LogBase) {
        lossBits = base.toBits(loss)
    }
}
