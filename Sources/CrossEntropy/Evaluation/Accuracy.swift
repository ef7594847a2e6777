/// Share of samples whose highest prediction is the true class (a tie for the highest counts
/// as wrong), weighted by sample weights. Nil for soft labels, which have no single true class.
public func categoricalAccuracy(predictions: Matrix, labels: CategoricalLabels, options: LossOptions = LossOptions())
    -> Double?
{
    let options = options.scalingSampleWeightsIfTheirSumCouldOverflow(terms: predictions.rows)  // a ratio
    // Per chunk of rows: (correct, total) weights, or nil when a row has a soft label.
    let chunks = RowChunks.map(rows: predictions.rows, columns: predictions.columns) { rows -> (Double, Double)? in
        var pair = AccuracyPair()
        guard
            categoricalAccuracyTerms(
                predictions: predictions, labels: labels, options: options, rows: rows, into: &pair)
        else { return nil }
        return (pair.correct.value, pair.total.value)
    }
    var correct = CompensatedSum()
    var total = CompensatedSum()
    for chunk in chunks {
        guard let (chunkCorrect, chunkTotal) = chunk else { return nil }
        correct.add(chunkCorrect)
        total.add(chunkTotal)
    }
    return total.value > 0 ? correct.value / total.value : nil
}

/// Where accuracy's terms go: each sample's (or element's) weight, and whether it was right.
protocol AccuracyTerms {
    mutating func add(weight: Double, isCorrect: Bool)
}

/// The correct and total weights, each a compensated sum.
struct AccuracyPair: AccuracyTerms {
    var correct = CompensatedSum()
    var total = CompensatedSum()

    mutating func add(weight: Double, isCorrect: Bool) {
        total.add(weight)
        if isCorrect { correct.add(weight) }
    }
}

/// Adds the correct and total sample weights of `rows` in order; false when one has a soft label.
func categoricalAccuracyTerms<Terms: AccuracyTerms>(
    predictions: Matrix, labels: CategoricalLabels, options: LossOptions, rows: Range<Int>, into terms: inout Terms
) -> Bool {
    for i in rows {
        guard let truth = trueClass(labels, sample: i, classes: predictions.columns) else { return false }
        terms.add(weight: options.sampleWeight(i), isCorrect: predictions.withRow(i, { uniqueArgmax($0) }) == truth)
    }
    return true
}

/// Adds the binary accuracy terms of every element, in order.
func binaryAccuracyTerms<Terms: AccuracyTerms>(
    predictions: Matrix, targets: Matrix, options: LossOptions, into terms: inout Terms
) {
    let threshold = options.predictionKind == .logits ? 0.0 : 0.5
    for i in 0..<predictions.rows {
        let weight = options.sampleWeight(i)
        for j in 0..<predictions.columns {
            terms.add(weight: weight, isCorrect: (predictions[i, j] > threshold) == (targets[i, j] == 1))
        }
    }
}

/// Share of correct 0.5-thresholded labels (a logit above 0, a probability above 0.5, is a
/// positive), over all elements, weighted by sample weights. Nil unless every label is 0 or 1.
public func binaryAccuracy(predictions: Matrix, targets: Matrix, options: LossOptions = LossOptions()) -> Double? {
    guard targets.values.allSatisfy({ $0 == 0 || $0 == 1 }) else { return nil }
    // A ratio: the scale cancels. One term per element (rows × columns cannot overflow: the
    // matrix holds them).
    let options = options.scalingSampleWeightsIfTheirSumCouldOverflow(terms: predictions.values.count)
    var pair = AccuracyPair()
    binaryAccuracyTerms(predictions: predictions, targets: targets, options: options, into: &pair)
    return pair.total.value > 0 ? pair.correct.value / pair.total.value : nil
}

/// The index of the largest value, or nil when two share it.
private func uniqueArgmax(_ row: UnsafeBufferPointer<Double>) -> Int? {
    var best = 0
    var tied = false
    for j in 1..<row.count {
        if row[j] > row[best] {
            best = j
            tied = false
        } else if row[j] == row[best] {
            tied = true
        }
    }
    return tied ? nil : best
}

/// The class of an index label or a one-hot row; nil for a soft row.
private func trueClass(_ labels: CategoricalLabels, sample i: Int, classes: Int) -> Int? {
    switch labels {
    case .indices(let indices):
        return indices[i]
    case .distributions(let targets):
        var found: Int?
        for j in 0..<classes {
            switch targets[i, j] {
            case 0: continue
            case 1 where found == nil: found = j
            default: return nil
            }
        }
        return found
    }
}
