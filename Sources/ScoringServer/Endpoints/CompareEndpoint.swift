import CrossEntropy
import HTTPTransport

/// POST /compare: two models' predictions for the same samples, each scored as /cce or /bce
/// would score it, and the paired comparison of their per-sample losses (`PairedComparison`).
struct CompareEndpoint: Sendable {
    let metrics: ServiceMetrics
    let limits: ScoringLimits

    func respond(_ context: RequestContext, _ body: UnsafeRawBufferPointer) throws(Problem) -> HTTPResponse {
        let request = try JSONBody.decode(CompareRequest.self, from: body)
        let (kind, baseline, candidate) = try validate(request)
        var baselineJSON = JSONWriter(capacity: 256 + Scorer.workload(baseline) / 2)
        var candidateJSON = JSONWriter(capacity: 256 + Scorer.workload(candidate) / 2)
        // The baseline is a reference, not traffic: only the candidate's samples are counted.
        let tally = ScoringTally()
        let baselineLoss = try Self.under(.baseline) { () throws(Problem) in
            try Scorer.score(baseline, pointerPrefix: "", tally: ScoringTally(), to: &baselineJSON)
        }
        let candidateLoss = try Self.under(.candidate) { () throws(Problem) in
            try Scorer.score(candidate, pointerPrefix: "", tally: tally, to: &candidateJSON)
        }
        let comparison = Self.compare(candidateLoss, baselineLoss, confidence: candidate.answer.confidence)
        var json = JSONWriter(capacity: baselineJSON.bytes.count + candidateJSON.bytes.count + 512)
        json.object { object in
            object.member("baseline") { $0.raw(baselineJSON.bytes) }
            object.member("candidate") { $0.raw(candidateJSON.bytes) }
            object.member("difference") { Self.write(comparison, to: &$0) }
            object.member("verdict", comparison.verdict.rawValue)
        }
        metrics.recordScored(tally, samples: Scorer.samples(candidate), loss: kind, model: candidate.answer.model)
        return .json(json.bytes, summary: ScoredRequest(candidate))
    }

    /// The loss and both jobs, or a 422: first what is wrong with the body as a comparison
    /// (unknown members, `loss`, a missing matrix, shapes that differ), then each model's
    /// problems as /cce or /bce would find them, pointing into /baseline or /candidate (a
    /// problem both share, such as one in `labels`, listed once).
    private func validate(_ request: CompareRequest) throws(Problem) -> (LossKind, ScoringJob, ScoringJob) {
        var problems = ValidationProblems()
        problems.add(request.shared.unknownFields, known: CompareField.known, in: "")
        var kind: LossKind?
        do throws(Problem.Detail) {
            kind = try LossKind.named(request.shared.loss, at: "/loss")
        } catch {
            problems.add(error)
        }
        for field in CompareField.allCases where request.matrix(field) == nil {
            problems.add("/" + field.rawValue, "missing required field '\(field.rawValue)'")
        }
        if let baseline = request.baseline, let candidate = request.candidate,
            baseline.shapeProblem == nil, candidate.shapeProblem == nil,
            baseline.rows != candidate.rows || baseline.columns != candidate.columns
        {
            problems.add(
                "/candidate",
                "candidate is \(candidate.rows)x\(candidate.columns) but baseline is "
                    + "\(baseline.rows)x\(baseline.columns): both score the same samples and classes")
        }
        try problems.check()
        guard let kind, let baseline = request.baseline, let candidate = request.candidate else {
            throw Problem.validation(problems.details)
        }
        try checkElements(baseline: baseline, candidate: candidate)

        let validator = RequestValidator(pointerPrefix: "", context: .body, limits: limits)
        var shared = request.shared
        shared.unknownFields = UnknownFields()
        shared.perSample = shared.perSample ?? false  // two answers of per-sample arrays are rarely wanted
        var outcomes: [Result<ScoringJob, Problem>] = []
        for field in CompareField.allCases {
            var model = shared
            model.predictions = request.matrix(field)
            do throws(Problem) {
                outcomes.append(
                    .success(try Self.under(field) { () throws(Problem) in try validator.validate(model, as: kind) }))
            } catch {
                outcomes.append(.failure(error))
            }
        }
        switch (outcomes[0], outcomes[1]) {
        case (.success(let baseline), .success(let candidate)):
            // `model` names the candidate; the baseline is a reference and its answer names none.
            return (kind, baseline.withoutModel, candidate)
        case (.failure(let problem), .success), (.success, .failure(let problem)):
            throw problem
        case (.failure(let first), .failure(let second)):
            guard first.type != .limitExceeded, second.type != .limitExceeded else { throw first }
            var merged = ValidationProblems()
            for detail in first.errors + second.errors where !merged.details.contains(detail) { merged.add(detail) }
            throw Problem.validation(merged.details)
        }
    }

    /// Both matrices count against --max-elements, before either is scanned: a matrix over the
    /// limit alone is named, else the candidate (whose values took the pair over).
    private func checkElements(baseline: NumberMatrix, candidate: NumberMatrix) throws(Problem) {
        let limit = limits.maxElements
        // No overflow: each count is bounded by the body's bytes.
        let total = baseline.values.count + candidate.values.count
        guard total > limit else { return }
        for (field, matrix) in [(CompareField.baseline, baseline), (.candidate, candidate)]
        where matrix.values.count > limit {
            throw .limit(
                "/" + field.rawValue, "the number of prediction values", actual: matrix.values.count, limit: limit,
                flag: "--max-elements")
        }
        throw .limit(
            "/candidate", "the number of prediction values (baseline and candidate together)", actual: total,
            limit: limit, flag: "--max-elements")
    }

    /// Runs `body` with the pointers of its problems moved from /predictions to /baseline or
    /// /candidate.
    private static func under<T>(_ field: CompareField, _ body: () throws(Problem) -> T) throws(Problem) -> T {
        do throws(Problem) {
            return try body()
        } catch {
            let moved = error.errors.map { detail in
                Problem.Detail(
                    pointer: movedPointer(detail.pointer, to: field), detail: detail.detail,
                    isUnknownField: detail.isUnknownField)
            }
            throw Problem(error.type, detail: error.detail, errors: moved)
        }
    }

    private static func movedPointer(_ pointer: String, to field: CompareField) -> String {
        let predictions = "/" + ScoringField.predictions.rawValue
        guard pointer == predictions || pointer.hasPrefix(predictions + "/") else { return pointer }
        return "/" + field.rawValue + pointer.dropFirst(predictions.count)
    }

    /// The paired comparison of the two scored jobs (the same loss, labels and options).
    private static func compare(_ candidate: ScoredLoss, _ baseline: ScoredLoss, confidence: Double)
        -> PairedComparison
    {
        switch (candidate, baseline) {
        case (.categorical(let candidate, let labels, let options), .categorical(let baseline, _, _)):
            LossTerms.compare(
                candidate: candidate, baseline: baseline, labels: labels, options: options, confidence: confidence)
        case (.binary(let candidate, let options), .binary(let baseline, _)):
            LossTerms.compare(candidate: candidate, baseline: baseline, options: options, confidence: confidence)
        default:
            // Both jobs were validated as the same loss; an empty comparison rather than a trap.
            PairedComparison(differences: RatioMoments(), isDegenerate: false, confidence: confidence)
        }
    }

    /// `{"mean","standard_error","interval","p_value","confidence"}`: each figure left out where
    /// it is undefined (fewer than two samples count) or not finite.
    private static func write(_ comparison: PairedComparison, to json: inout JSONWriter) {
        json.object { object in
            if let mean = comparison.mean, mean.isFinite { object.member("mean", mean) }
            if let error = comparison.standardError, error.isFinite { object.member("standard_error", error) }
            if let interval = comparison.interval, interval.low.isFinite, interval.high.isFinite {
                object.member("interval") { $0.numbers([interval.low, interval.high]) }
            }
            if let p = comparison.pValue, p.isFinite { object.member("p_value", p) }
            object.member("confidence", comparison.confidence)
        }
    }
}

extension CompareRequest {
    /// The matrix of `field`.
    func matrix(_ field: CompareField) -> NumberMatrix? {
        switch field {
        case .baseline: baseline
        case .candidate: candidate
        }
    }
}
