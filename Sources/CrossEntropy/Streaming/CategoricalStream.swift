/// Categorical cross-entropy of a set that arrives in pieces (rows in order, any split), in
/// constant memory: the same per-sample losses as `categoricalCrossEntropy`, added in the same
/// order to the same sums, and accuracy summed over the same `RowChunks` chunks, so `sum`,
/// `loss`, `n` and `accuracy` are the same bits as the set scored at once (sample weights in
/// float64's normal range, where the power-of-two scaling of the whole-set path is exact).
/// The moments (`denominator`, standard error) merge per piece, equal to the whole set's to
/// rounding.
public struct CategoricalStream: Sendable {
    /// Classes (columns) of every piece.
    public let classes: Int
    /// The options without sample weights (each piece brings its own).
    public let options: LossOptions
    /// Whether per-sample losses and measures are kept (`per_sample`).
    public let keepsLosses: Bool
    private var rows = RowStream()
    private var indexLabels: Bool?
    private var totals: StreamTotals
    private var divisor = ScaledSum()
    private var accuracyDefined = true
    private var chunkAccuracy = AccuracySums()
    private var accuracySums = AccuracySums()
    private var priorSums: [CompensatedSum]
    private var priorTotal = CompensatedSum()
    private var inUse: [Bool]

    /// An empty stream of `classes` columns scored with `options` (sample weights ignored).
    public init(classes: Int, options: LossOptions, keepsLosses: Bool) {
        self.classes = classes
        self.options = options.withSampleWeights(nil)
        self.keepsLosses = keepsLosses
        priorSums = [CompensatedSum](repeating: CompensatedSum(), count: classes)
        inUse = [Bool](repeating: false, count: classes)
        totals = StreamTotals(options: options, keepsLosses: keepsLosses)
    }

    /// Samples added so far.
    public var count: Int { rows.count }

    /// Adds the next rows: `predictions` (classes columns), their labels (of the form of the
    /// pieces before) and sample weights. Returns each row's reported loss and band measure.
    @discardableResult
    public mutating func add(predictions: Matrix, labels: CategoricalLabels, sampleWeights: [Double]?) -> (
        losses: [Double], measures: [Double]
    ) {
        precondition(predictions.columns == classes && labels.count == predictions.rows, "piece shape")
        if indexLabels == nil { indexLabels = labels.isIndices }
        let options = self.options.withSampleWeights(sampleWeights)
        let (significands, exponents) = categoricalSampleParts(
            predictions: predictions, labels: labels, options: options)
        let pieceLosses = significands.indices.map { positiveZero(scaled(significands[$0], by: exponents[$0])) }
        var measures = pieceLosses
        var measureParts: (significands: [Double], exponents: [Int])?
        if !totals.documentMeasure {
            let parts = categoricalSampleParts(
                predictions: predictions, labels: labels, options: BandMeasure.documentOptions(options))
            measureParts = parts
            measures = parts.significands.indices.map {
                positiveZero(scaled(parts.significands[$0], by: parts.exponents[$0]))
            }
        }
        let classWeights = options.classWeights
        for i in significands.indices {
            let s = options.sampleWeight(i)
            totals.add(
                significands[i], exponent: exponents[i], weight: s,
                measure: measureParts.map { ($0.significands[i], $0.exponents[i]) })
            switch labels {
            case .indices(let indices):
                let y = indices[i]
                if let classWeights { divisor.add(classWeights[y], times: s) }
                inUse[y] = true
                priorSums[y].add(s)
                priorTotal.add(s)
            case .distributions(let targets):
                priorTotal.add(s)
                for j in 0..<classes {
                    let y = targets[i, j]
                    if y != 0 && s != 0 { priorSums[j].add(s * y) }
                }
            }
        }
        var rows = self.rows
        rows.advance(rows: predictions.rows) { range in
            if accuracyDefined {
                accuracyDefined = categoricalAccuracyTerms(
                    predictions: predictions, labels: labels, options: options, rows: range, into: &chunkAccuracy)
            }
        } boundary: {
            foldAccuracy()
        }
        self.rows = rows
        let pieceResult = CategoricalLoss(losses: pieceLosses, sum: 0, mean: 0, weightedMean: 0)
        totals.endPiece(
            losses: pieceLosses, measures: measures,
            moments: LossTerms.categorical(pieceResult, labels: labels, options: options))
        return (pieceLosses, measures)
    }

    private mutating func foldAccuracy() {
        accuracySums.add(chunkAccuracy)
        chunkAccuracy = AccuracySums()
    }

    /// The figures of the set so far.
    public func result() -> CategoricalStreamResult {
        let weightedMean = totals.weightedMean
        let mean: Double
        switch options.convention {
        case .document, .sklearn: mean = weightedMean
        case .keras: mean = ScaledSum.ratio(totals.total, ScaledSum(Double(count)))
        case .pytorch:
            mean =
                indexLabels == true && options.classWeights != nil
                ? ScaledSum.ratio(totals.total, divisor) : weightedMean
        }
        var accuracy: Double?
        if accuracyDefined {
            var sums = accuracySums
            if count > 0 { sums.add(chunkAccuracy) }  // the current chunk is never empty
            accuracy = sums.ratio
        }
        let prior = priorSums.map { $0.value / priorTotal.value }
        let used = CategoricalLabels.indices(inUse.indices.filter { inUse[$0] })
        let labelsForScale =
            indexLabels == false ? CategoricalLabels.distributions(Matrix(rows: 0, columns: 0, values: [])) : used
        let (entropyOptions, classScale) = scalingClassWeights(options, labels: labelsForScale)
        let entropy = NormalizedEntropy.categorical(
            loss: classScale.down(weightedMean), prior: prior, classes: classes, options: entropyOptions)
        let loss = CategoricalLoss(
            losses: totals.losses, sum: totals.total.value, mean: mean, weightedMean: weightedMean)
        return CategoricalStreamResult(
            loss: loss, count: count, accuracy: accuracy, normalizedEntropy: entropy, moments: totals.moments,
            measure: totals.measure(base: options.base), unweightedSumIsFinite: totals.unweightedSumIsFinite)
    }
}
