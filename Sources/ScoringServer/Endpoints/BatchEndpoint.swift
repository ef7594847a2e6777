import Dispatch
import HTTPTransport

/// POST /batch: many jobs in one body, answered in order; one bad job fails alone.
/// Jobs are scored (and their results written) in parallel across the cores.
struct BatchEndpoint: Sendable {
    let metrics: ServiceMetrics
    let limits: ScoringLimits

    /// Below this many prediction values in all, threads cost more than they save.
    static let parallelThreshold = 20_000
    /// Problems a failing job's error lists (a whole request lists up to
    /// `ValidationProblems.limit`): a batch of 10,000 small bad jobs would otherwise answer 20
    /// problems for each, an answer hundreds of times its request, held while unread
    /// (RELIABILITY.md, "Answers nobody reads").
    static let problemsPerFailedJob = 3

    func respond(_ context: RequestContext, _ body: UnsafeRawBufferPointer) throws(Problem) -> HTTPResponse {
        let batch = try JSONBody.decode(BatchRequest.self, from: body)
        try checkTopLevel(batch)
        let jobs = batch.jobs ?? []
        let prepared = jobs.enumerated().map { index, decoded in
            prepare(decoded.outcome, id: decoded.id, index: index)
        }
        let total = prepared.reduce(0) { $0 + (($1.job).map(Scorer.workload) ?? 0) }
        if total > limits.maxElements {
            let what = "the number of prediction values across all jobs"
            throw .limit("/jobs", what, actual: total, limit: limits.maxElements, flag: "--max-elements")
        }
        var results = [[UInt8]](repeating: [], count: prepared.count)
        if total >= Self.parallelThreshold && prepared.count > 1 {
            results.withUnsafeMutableBufferPointer { slots in
                nonisolated(unsafe) let slots = slots
                DispatchQueue.concurrentPerform(iterations: prepared.count) { i in
                    slots[i] = result(prepared[i], index: i)
                }
            }
        } else {
            for i in prepared.indices { results[i] = result(prepared[i], index: i) }
        }
        var json = JSONWriter(capacity: 16 + results.reduce(0) { $0 + $1.count + 1 })
        json.object { body in
            body.member("results") { $0.array(results) { json, result in json.raw(result) } }
        }
        return .json(json.bytes)
    }

    private func checkTopLevel(_ batch: BatchRequest) throws(Problem) {
        var problems = ValidationProblems()
        problems.add(batch.unknownFields, known: BatchField.known, in: "")
        if batch.jobs == nil {
            problems.add("/jobs", "missing required field 'jobs'")
        } else if batch.jobs?.isEmpty == true {
            problems.add("/jobs", "at least one job is required")
        }
        try problems.check()
        if let count = batch.jobs?.count, count > limits.maxJobs {
            throw .limit("/jobs", "the number of jobs", actual: count, limit: limits.maxJobs, flag: "--max-jobs")
        }
    }

    /// A job ready to score, or its failure; with the id and kind to echo.
    private struct PreparedJob: Sendable {
        let id: String?
        /// The job's `loss` when it was read as `cce` or `bce`, even if the job then failed.
        let kind: LossKind?
        let job: ScoringJob?
        let failure: Problem?
    }

    private func prepare(_ decoded: Result<ScoringRequest, Problem>, id: String?, index: Int) -> PreparedJob {
        let prefix = "/jobs/\(index)"
        switch decoded {
        case .failure(let problem):
            return PreparedJob(id: id, kind: nil, job: nil, failure: problem)
        case .success(let request):
            do throws(Problem) {
                let loss = try lossKind(request.loss, prefix: prefix)
                var job = request
                if request.id == nil {
                    throw Problem.validation([.init(pointer: prefix + "/id", detail: "missing required field 'id'")])
                }
                job.id = nil
                let validated = try RequestValidator(pointerPrefix: prefix, context: .batchJob, limits: limits)
                    .validate(job, as: loss)
                return PreparedJob(id: request.id, kind: loss, job: validated, failure: nil)
            } catch {
                let kind = request.loss.flatMap(LossKind.init(rawValue:))
                return PreparedJob(id: request.id, kind: kind, job: nil, failure: error)
            }
        }
    }

    private func lossKind(_ name: String?, prefix: String) throws(Problem) -> LossKind {
        do throws(Problem.Detail) {
            return try LossKind.named(name, at: prefix + "/loss")
        } catch {
            throw Problem.validation([error])
        }
    }

    /// `{"id":…,"kind":…,"status":200,"result":{…}}` or `{"id":…,"kind":…,"status":4xx,"error":{…}}`.
    /// `kind` ("cce", "bce", or null when the job's loss could not be read) lets typed clients
    /// pick the result's type before reading it (the OpenAPI discriminator).
    private func result(_ prepared: PreparedJob, index: Int) -> [UInt8] {
        var failure = prepared.failure
        var scored: JSONWriter?
        if let job = prepared.job {
            var result = JSONWriter(capacity: 256 + Scorer.workload(job) / 2)
            do throws(Problem) {
                let tally = ScoringTally()
                try Scorer.score(job, pointerPrefix: "/jobs/\(index)", tally: tally, to: &result)
                metrics.recordScored(tally, samples: Scorer.samples(job), loss: job.loss, model: job.answer.model)
                scored = result
            } catch {
                failure = error
            }
        }
        var json = JSONWriter(capacity: 64 + (scored?.bytes.count ?? 256))
        json.object { entry in
            entry.member("id", prepared.id.map { ClientText.cut($0, to: ClientText.maximumIDLength) })
            entry.member("kind", prepared.kind?.rawValue)
            if let scored {
                entry.member("status", 200)
                entry.member("result") { $0.raw(scored.bytes) }
            } else if let failure {
                entry.member("status", failure.status)
                entry.member("error") { failure.listing(atMost: Self.problemsPerFailedJob).write(to: &$0) }
            }
        }
        return json.bytes
    }
}
