/// Samples counted by band, a handful of bands at most: a linear scan of the bands seen so far
/// costs a few integer compares per sample, less than hashing into a dictionary.
struct BandCounts<Band: RawRepresentable<String> & Equatable> {
    private(set) var bands: [Band] = []
    private(set) var counts: [Int] = []

    mutating func add(_ band: Band) {
        for i in bands.indices where bands[i] == band {
            counts[i] += 1
            return
        }
        bands.append(band)
        counts.append(1)
    }
}
