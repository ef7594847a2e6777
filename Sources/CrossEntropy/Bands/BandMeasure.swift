/// What the document's bands read, whatever convention reports the loss: the document's
/// cross-entropy of each sample (CCE: of its true class or classes; BCE: summed over classes),
/// without class weights, positive weights or label smoothing (training devices, not properties
/// of the prediction), and the sample-weighted mean of those. So a prediction gets the same
/// band under every convention, and `band`, `bands` and the tables of `GET /bands` agree.
///
/// Probabilities are clipped as the request asks (at the document's float64 epsilon when the
/// convention does not clip, as PyTorch's BCE does not), logits go through the stable
/// log-softmax or log-sigmoid.
public struct BandMeasure: Sendable {
    /// Each sample's measure, in `base`.
    public let losses: [Double]
    /// Their sample-weighted mean, in `base`.
    public let mean: Double
    public let base: LogBase

    /// The measure of categorical predictions; `reported` is reused when the request's own
    /// loss already is the document's measure (the common case: no second pass).
    public static func categorical(
        predictions: Matrix, labels: CategoricalLabels, options: LossOptions, reported: CategoricalLoss
    ) -> BandMeasure {
        if isDocumentMeasure(options) {
            return BandMeasure(losses: reported.losses, mean: reported.weightedMean, base: options.base)
        }
        let measured = categoricalCrossEntropy(
            predictions: predictions, labels: labels, options: documentOptions(options))
        return BandMeasure(losses: measured.losses, mean: measured.weightedMean, base: .two)
    }

    /// The measure of binary predictions; `reported` is reused when it already is the measure.
    public static func binary(predictions: Matrix, targets: Matrix, options: LossOptions, reported: BinaryLoss)
        -> BandMeasure
    {
        if isDocumentMeasure(options) {
            return BandMeasure(losses: reported.losses, mean: reported.weightedMean, base: options.base)
        }
        let measured = binaryCrossEntropy(predictions: predictions, targets: targets, options: documentOptions(options))
        return BandMeasure(losses: measured.losses, mean: measured.weightedMean, base: .two)
    }

    /// The base of the measure for `options` (their own, or 2 where the measure is scored again).
    public static func base(for options: LossOptions) -> LogBase {
        isDocumentMeasure(options) ? options.base : .two
    }

    /// The band of one categorical value of this measure.
    public func categoricalBand(_ loss: Double, classes: Int) -> CategoricalBand {
        CategoricalBand.of(loss: loss, classes: classes, base: base)
    }

    /// The band of one binary value of this measure.
    public func binaryBand(_ loss: Double) -> BinaryBand {
        BinaryBand.of(loss: loss, base: base)
    }

    /// scikit-learn's log_loss is the document's formula in nats, and has no class weights or
    /// smoothing; the bands convert units themselves.
    static func isDocumentMeasure(_ options: LossOptions) -> Bool {
        (options.convention == .document || options.convention == .sklearn) && options.labelSmoothing == 0
            && options.classWeights == nil && options.positiveWeights == nil
    }

    static func documentOptions(_ options: LossOptions) -> LossOptions {
        LossOptions(
            convention: .document,
            predictionKind: options.predictionKind,
            base: .two,
            clipping: options.clipping.epsilon > 0 ? options.clipping : Clipping(),
            sampleWeights: options.sampleWeights
        )
    }
}
