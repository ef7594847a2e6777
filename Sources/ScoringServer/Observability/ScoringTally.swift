import CrossEntropy

/// What one answer's (one batch job's) scoring showed, for the model-quality metrics: its
/// samples by band and its loss in bits. ResultEncoding fills it while writing the answer,
/// where each sample's band is computed anyway, so the matrix is not gone over again.
///
/// Reached through a task-local rather than a parameter, so the scorer between the endpoint and
/// the encoder keeps its signature. One tally per job, filled by the one thread scoring it.
final class ScoringTally: @unchecked Sendable {
    /// The tally of the job being scored on this thread, if any.
    @TaskLocal static var current: ScoringTally?

    private(set) var samplesByBand: [String: Int] = [:]
    private(set) var lossBits: Double?

    func record<Band>(_ counts: BandCounts<Band>) {
        for (band, count) in zip(counts.bands, counts.counts) { samplesByBand[band.rawValue, default: 0] += count }
    }

    func record(loss: Double, base: LogBase) {
        lossBits = base.toBits(loss)
    }

    /// Scores `job` into `json` with a tally listening, and returns the tally.
    static func scoring(_ job: ScoringJob, pointerPrefix: String, to json: inout JSONWriter) throws(Problem)
        -> ScoringTally
    {
        let tally = ScoringTally()
        let outcome: Result<Void, Problem> = $current.withValue(tally) {
            do throws(Problem) {
                try Scorer.score(job, pointerPrefix: pointerPrefix, to: &json)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try outcome.get()
        return tally
    }
}
