import HTTPTransport

/// POST /cce and POST /bce: decode, validate, score, answer.
struct ScoreEndpoint: Sendable {
    let loss: LossKind
    let metrics: ServiceMetrics
    let limits: ScoringLimits

    func respond(_ context: RequestContext, _ body: UnsafeRawBufferPointer) throws(Problem) -> HTTPResponse {
        let request = try JSONBody.decode(ScoringBody.self, from: body).request
        let job = try RequestValidator(pointerPrefix: "", context: .body, limits: limits).validate(
            request, as: loss)
        var json = JSONWriter(capacity: 256 + Scorer.workload(job) / 2)
        let tally = ScoringTally()
        try Scorer.score(job, pointerPrefix: "", tally: tally, to: &json)
        metrics.recordScored(tally, samples: Scorer.samples(job), loss: loss, model: job.answer.model)
        return .json(json.bytes, summary: ScoredRequest(job))
    }
}
