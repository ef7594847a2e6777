import CrossEntropy

/// Writes the `settings` member: the convention and every choice that produced the number, so
/// it can be reproduced with the library the convention names.
enum SettingsEncoding {
    static func write(
        _ options: LossOptions, loss: LossKind, indexLabels: Bool, answer: AnswerOptions,
        to object: inout JSONObjectWriter
    ) {
        if let written = DefaultSettings.written(options, loss: loss, indexLabels: indexLabels, answer: answer) {
            object.member("settings") { $0.raw(written) }
            return
        }
        writeObject(options, loss: loss, indexLabels: indexLabels, answer: answer, to: &object)
    }

    /// The object written member by member (what `DefaultSettings` keeps for the defaults).
    static func writeObject(
        _ options: LossOptions, loss: LossKind, indexLabels: Bool, answer: AnswerOptions,
        to object: inout JSONObjectWriter
    ) {
        let logits = options.predictionKind == .logits
        object.member("settings") { settings in
            settings.member("convention", options.convention.rawValue)
            ResultEncoding.writeBase(options.base, to: &settings)
            settings.member("input", logits ? "logits" : "probabilities")
            settings.member("clipping", clipping(options, loss: loss))
            settings.member("clip_epsilon", logits || options.clipping.epsilon == 0 ? nil : options.clipping.epsilon)
            settings.member("label_smoothing", options.labelSmoothing)
            settings.member("reduction", reduction(options, loss: loss, indexLabels: indexLabels))
            settings.member("class_weights", options.classWeights != nil || options.positiveWeights != nil)
            if let ignoreIndex = answer.ignoreIndex { settings.member("ignore_index", ignoreIndex) }
            settings.member("confidence", answer.confidence)
        }
    }

    // Whole literals rather than concatenations: no String is built per request.

    private static func clipping(_ options: LossOptions, loss: LossKind) -> String {
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

    private static func reduction(_ options: LossOptions, loss: LossKind, indexLabels: Bool) -> String {
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

/// The `settings` object of each convention's defaults (no smoothing, weights, ignore_index or
/// other confidence), written once by `SettingsEncoding` itself and then copied: most requests
/// take the defaults, and writing the object was a third of writing a small answer.
private enum DefaultSettings {
    private struct Key: Hashable {
        var loss: LossKind
        var convention: Convention
        var logits: Bool
        var weighted: Bool
        var indexLabels: Bool
    }

    private static let table: [Key: [UInt8]] = {
        var table: [Key: [UInt8]] = [:]
        for loss in LossKind.allCases {
            for convention in Convention.allCases {
                for logits in [false, true] {
                    for weighted in [false, true] {
                        for indexLabels in [false, true] {
                            var options = LossOptions(
                                convention: convention, predictionKind: logits ? .logits : .probabilities)
                            if weighted { options.sampleWeights = [] }
                            var json = JSONWriter(capacity: 512)
                            json.object { object in
                                SettingsEncoding.writeObject(
                                    options, loss: loss, indexLabels: indexLabels, answer: AnswerOptions(),
                                    to: &object)
                            }
                            // `{"settings":{…}}` → `{…}`: the member's value alone.
                            let prefix = #"{"settings":"#.utf8.count
                            let key = Key(
                                loss: loss, convention: convention, logits: logits, weighted: weighted,
                                indexLabels: indexLabels)
                            table[key] = Array(json.bytes[prefix..<(json.bytes.count - 1)])
                        }
                    }
                }
            }
        }
        return table
    }()

    /// The written object when `options` and `answer` are a convention's defaults, else nil.
    static func written(_ options: LossOptions, loss: LossKind, indexLabels: Bool, answer: AnswerOptions)
        -> [UInt8]?
    {
        guard answer.ignoreIndex == nil, answer.confidence == AnswerOptions.defaultConfidence,
            options.classWeights == nil, options.positiveWeights == nil, options.labelSmoothing == 0,
            options.base == options.convention.defaultBase, options.clipping == options.convention.defaultClipping
        else { return nil }
        let key = Key(
            loss: loss, convention: options.convention, logits: options.predictionKind == .logits,
            weighted: options.sampleWeights != nil, indexLabels: indexLabels)
        return table[key]
    }
}
