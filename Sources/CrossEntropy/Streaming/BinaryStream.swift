/// Binary cross-entropy of a set that arrives in pieces (rows in order, any split), in constant
/// memory: the same per-sample losses as `binaryCrossEntropy`, the same sums in the same order,
/// and class totals summed over the same `RowChunks` chunks, so `sum`, `loss`, `n`, `accuracy`
/// and `class_losses` are the same bits as the set scored at once (sample weights in float64's
/// normal range). The moments merge per piece, equal to the whole set's to rounding.
public struct BinaryStream: Sendable {
    /// Classes (columns) of every piece.
    public let classes: Int
    /// The options without sample weights (each piece brings its own).
    public let options: LossOptions
    /// Whether per-sample losses and measures are kept (`per_sample`).
    public let keepsLosses: Bool
    private var rows = RowStream()
    private var totals: StreamTotals
    private var classTotals: [ScaledSum]
    private var chunk: BinaryChunkTotals
    private var accuracyDefined = true
    private var accuracySums = AccuracySums()
    private var priorSums: [CompensatedSum]
    private var priorTotal = CompensatedSum()
    /// The targets of the first sample of positive weight, and whether a later one differs.
    private var reference: [Double]?
    private var targetsVary = false

    /// An empty stream of `classes` columns scored with `options` (sample weights ignored).
    public init(classes: Int, options: LossOptions, keepsLosses: Bool) {
        self.classes = classes
        self.options = options.withSampleWeights(nil)
        self.keepsLosses = keepsLosses
        classTotals = [ScaledSum](repeating: ScaledSum(), count: classes)
        chunk = BinaryChunkTotals(classes: classes)
        priorSums = [CompensatedSum](repeating: CompensatedSum(), count: classes)
        totals = StreamTotals(options: options, keepsLosses: keepsLosses)
    }

    /// Samples added so far.
    public var count: Int { rows.count }

    /// Adds the next rows: `predictions` and `targets` (classes columns) and sample weights.
    /// Returns each row's reported loss and band measure.
    @discardableResult
    public mutating func add(predictions: Matrix, targets: Matrix, sampleWeights: [Double]?) -> (
        losses: [Double], measures: [Double]
    ) {
        precondition(predictions.columns == classes && targets.columns == classes && targets.rows == predictions.rows)
        let options = self.options.withSampleWeights(sampleWeights)
        let n = predictions.rows
        var significands = [Double](repeating: 0, count: n)
        var exponents = [Int](repeating: 0, count: n)
        var rows = self.rows
        rows.advance(rows: n) { range in
            for i in range {
                (significands[i], exponents[i]) = chunk.add(
                    row: i, predictions: predictions, targets: targets, options: options)
            }
        } boundary: {
            foldChunk()
        }
        self.rows = rows
        var measureParts: (significands: [Double], exponents: [Int])?
        if !totals.documentMeasure {
            let parts = binaryParts(
                predictions: predictions, targets: targets, options: BandMeasure.documentOptions(options))
            measureParts = (parts.significands, parts.exponents)
        }
        for i in 0..<n {
            let s = options.sampleWeight(i)
            totals.add(
                significands[i], exponent: exponents[i], weight: s,
                measure: measureParts.map { ($0.significands[i], $0.exponents[i]) })
            priorTotal.add(s)
            for j in 0..<classes {
                let y = targets[i, j]
                if y != 0 && s != 0 { priorSums[j].add(s * y) }
            }
            if s != 0 {
                if let reference {
                    if !targetsVary { targetsVary = (0..<classes).contains { targets[i, $0] != reference[$0] } }
                } else {
                    reference = (0..<classes).map { targets[i, $0] }
                }
            }
        }
        if accuracyDefined {
            accuracyDefined = targets.values.allSatisfy { $0 == 0 || $0 == 1 }
            if accuracyDefined {
                binaryAccuracyTerms(predictions: predictions, targets: targets, options: options, into: &accuracySums)
            }
        }
        var pieceLosses = (0..<n).map { positiveZero(scaled(significands[$0], by: exponents[$0])) }
        if options.convention == .keras {
            let columns = Double(max(classes, 1))
            for i in pieceLosses.indices { pieceLosses[i] /= columns }
        }
        let measures =
            measureParts.map { parts in
                parts.significands.indices.map { positiveZero(scaled(parts.significands[$0], by: parts.exponents[$0])) }
            } ?? pieceLosses
        let pieceResult = BinaryLoss(
            losses: pieceLosses, classLosses: [Double](repeating: 0, count: classes), sum: 0, mean: 0,
            weightedMean: 0, meanPerElement: 0)
        totals.endPiece(
            losses: pieceLosses, measures: measures, moments: LossTerms.binary(pieceResult, options: options))
        return (pieceLosses, measures)
    }

    private mutating func foldChunk() {
        let totals = chunk.totals()
        for j in 0..<classes { classTotals[j].add(totals[j]) }
        chunk = BinaryChunkTotals(classes: classes)
    }

    /// The figures of the set so far.
    public func result() -> BinaryStreamResult {
        var classTotals = self.classTotals
        if count > 0 {  // the current chunk is never empty
            let totals = chunk.totals()
            for j in 0..<classes { classTotals[j].add(totals[j]) }
        }
        let weightedMean = totals.weightedMean
        let meanPerElement = weightedMean / Double(max(classes, 1))
        var sum = totals.total.value
        let mean: Double
        switch options.convention {
        case .document, .sklearn: mean = weightedMean
        case .pytorch: mean = meanPerElement
        case .keras:
            let columns = Double(max(classes, 1))
            sum = ScaledSum.ratio(totals.total, ScaledSum(columns))
            mean = ScaledSum.ratio(totals.total, ScaledSum(columns * Double(max(count, 1))))
        }
        let accuracy = accuracyDefined ? accuracySums.ratio : nil
        var entropy: Double?
        if targetsVary {
            let prior = priorSums.map { $0.value / priorTotal.value }
            entropy = NormalizedEntropy.binary(loss: weightedMean, prior: prior, options: options)
        }
        let loss = BinaryLoss(
            losses: totals.losses, classLosses: classTotals.map { ScaledSum.ratio($0, totals.weight) }, sum: sum,
            mean: mean, weightedMean: weightedMean, meanPerElement: meanPerElement)
        return BinaryStreamResult(
            loss: loss, count: count, accuracy: accuracy, normalizedEntropy: entropy, moments: totals.moments,
            measure: totals.measure(base: options.base), unweightedSumIsFinite: totals.unweightedSumIsFinite)
    }
}
