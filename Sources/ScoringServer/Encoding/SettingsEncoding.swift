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

    // Whole literals rather than concatenations: no String is built per request.

    static func clipping(_ options: LossOptions, loss: LossKind) -> String {
        if options.predictionKind == .logits {
            return loss == .cce ? "none: logits go through log-softmax" : "none: logits go through log-sigmoid"
        }
        switch options.convention {
        case .keras where loss == .cce:
            return "rows divided by their sum, then clipped to [epsilon, 1 - epsilon]"
        case .pytorch:
            return options.clipping.epsilon == 0
                ? "none; each log clamped at -100 nats"
                : "clipped to [epsilon, 1 - epsilon]; each log clamped at -100 nats"
        default:
            return "clipped to [epsilon, 1 - epsilon]"
        }
    }

    static func reduction(_ options: LossOptions, loss: LossKind, indexLabels: Bool) -> String {
        let weighted = options.sampleWeights != nil
        switch (options.convention, loss) {
        case (.document, .cce), (.sklearn, .cce):
            return weighted ? "sample-weighted mean over samples" : "mean over samples"
        case (.document, .bce), (.sklearn, .bce):
            return weighted
                ? "sum over classes, then sample-weighted mean over samples"
                : "sum over classes, then mean over samples"
        case (.pytorch, .bce):
            return "mean over all elements (PyTorch 'mean')"
        case (.pytorch, .cce):
            return indexLabels && options.classWeights != nil
                ? "sum over samples / sum of the labelled classes' weights (PyTorch 'mean')"
                : "mean over samples (PyTorch 'mean')"
        case (.keras, .cce):
            return weighted
                ? "sample-weighted sum over samples / n (Keras 'sum_over_batch_size')"
                : "sum over samples / n (Keras 'sum_over_batch_size')"
        case (.keras, .bce):
            return weighted
                ? "mean over classes, then sample-weighted sum over samples / n (Keras 'sum_over_batch_size')"
                : "mean over classes, then sum over samples / n (Keras 'sum_over_batch_size')"
        }
    }
}
