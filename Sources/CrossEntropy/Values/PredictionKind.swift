/// What the prediction numbers are: probabilities in [0, 1] (clipped before the log), or raw
/// scores (logits) turned into log-probabilities stably, with no clipping.
public enum PredictionKind: Sendable, Hashable {
    case probabilities
    case logits
}
