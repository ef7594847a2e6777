import CrossEntropy

/// Writes `,"settings":{…}`: the convention and every choice that produced the number, so it
/// can be reproduced with the library the convention names.
enum SettingsEncoding {
    static func write(_ options: LossOptions, loss: LossKind, indexLabels: Bool, to json: inout JSONWriter) {
        let logits = options.predictionKind == .logits
        json.raw(",\"settings\":{\"convention\":")
        json.string(options.convention.rawValue)
        json.raw(",\"base\":")
        switch options.base {
        case .two: json.integer(2)
        case .e: json.string("e")
        case .ten: json.integer(10)
        }
        json.raw(",\"input\":")
        json.string(logits ? "logits" : "probabilities")
        json.raw(",\"clipping\":")
        json.string(clipping(options, loss: loss))
        json.raw(",\"clip_epsilon\":")
        if logits || options.clipping.epsilon == 0 { json.null() } else { json.number(options.clipping.epsilon) }
        json.raw(",\"label_smoothing\":")
        json.number(options.labelSmoothing)
        json.raw(",\"reduction\":")
        json.string(reduction(options, loss: loss, indexLabels: indexLabels))
        json.raw(",\"class_weights\":")
        json.bool(options.classWeights != nil)
        json.raw("}")
    }

    static func clipping(_ options: LossOptions, loss: LossKind) -> String {
        if options.predictionKind == .logits {
            return loss == .cce ? "none: logits go through log-softmax" : "none: logits go through log-sigmoid"
        }
        let clip = "clipped to [epsilon, 1 - epsilon]"
        switch options.convention {
        case .keras where loss == .cce:
            return "rows divided by their sum, then " + clip
        case .pytorch:
            let clamp = "each log clamped at -100 nats"
            return options.clipping.epsilon == 0 ? "none; " + clamp : clip + "; " + clamp
        default:
            return clip
        }
    }

    static func reduction(_ options: LossOptions, loss: LossKind, indexLabels: Bool) -> String {
        let weighted = options.sampleWeights != nil
        switch options.convention {
        case .document, .sklearn:
            let classes = loss == .bce ? "sum over classes, then " : ""
            return classes + (weighted ? "sample-weighted mean over samples" : "mean over samples")
        case .pytorch:
            if loss == .bce { return "mean over all elements (PyTorch 'mean')" }
            if indexLabels && options.classWeights != nil {
                return "sum over samples / sum of the labelled classes' weights (PyTorch 'mean')"
            }
            return "mean over samples (PyTorch 'mean')"
        case .keras:
            let classes = loss == .bce ? "mean over classes, then " : ""
            let sum = weighted ? "sample-weighted sum over samples / n" : "sum over samples / n"
            return classes + sum + " (Keras 'sum_over_batch_size')"
        }
    }
}
