import CrossEntropy
import HTTPTransport

/// What a scored /cce or /bce answer (or a stream's) tells the access log: the samples counted, the classes,
/// the convention and the model. It travels as the response's summary (a few words, no
/// dictionary), as a problem does as an error answer's failure.
public struct ScoredRequest: ResponseSummary {
    /// Samples scored (those an `ignore_index` left out are not counted).
    public let n: Int
    public let classes: Int
    public let convention: Convention
    /// The request's `model`, if it named one.
    public let model: String?

    /// A stream's: what its merged lines came to.
    init(n: Int, classes: Int, convention: Convention, model: String?) {
        (self.n, self.classes, self.convention, self.model) = (n, classes, convention, model)
    }

    init(_ job: ScoringJob) {
        n = Scorer.samples(job)
        switch job {
        case .categorical(let predictions, _, let options, let answer),
            .binary(let predictions, _, let options, let answer):
            classes = predictions.columns
            convention = options.convention
            model = answer.model
        }
    }
}
