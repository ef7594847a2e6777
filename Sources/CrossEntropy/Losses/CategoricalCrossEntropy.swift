/// Categorical cross-entropy for multi-class classification:
/// L_i = -Σ_j w_j y_ij log_base(p_ij), loss = Σ_i s_i L_i / Σ_i s_i (the mean without weights).
///
/// Terms with y_ij = 0 contribute exactly 0 (0·log anything = 0). Probabilities are clipped;
/// logits go through a stable log-softmax. Label smoothing, class weights w and sample weights
/// s come from `options`. The caller validates shapes and ranges first.
public func categoricalCrossEntropy(
    predictions: Matrix,
    labels: CategoricalLabels,
    options: LossOptions = LossOptions()
) -> CategoricalLoss {
    precondition(predictions.rows == labels.count, "one label per prediction row")
    var losses = [Double](repeating: 0, count: predictions.rows)
    losses.withUnsafeMutableBufferPointer { out in
        nonisolated(unsafe) let out = out  // each chunk writes its own rows
        RowChunks.forEach(rows: predictions.rows, columns: predictions.columns) { _, rows in
            for i in rows {
                out[i] = predictions.withRow(i) { row in
                    sampleLoss(row: row, labels: labels, sample: i, options: options)
                }
            }
        }
    }
    let (sum, weight) = options.weightedTotals(losses)
    return CategoricalLoss(losses: losses, sum: sum, mean: sum / max(weight, .leastNonzeroMagnitude))
}

private func sampleLoss(
    row: UnsafeBufferPointer<Double>,
    labels: CategoricalLabels,
    sample i: Int,
    options: LossOptions
) -> Double {
    let base = options.base
    let smoothing = options.labelSmoothing
    let weights = options.classWeights
    // The common case, one index and nothing else: a single log.
    if case .indices(let indices) = labels, smoothing == 0 {
        let y = indices[i]
        let weight = weights?[y] ?? 1
        switch options.predictionKind {
        case .probabilities:
            return positiveZero(-weight * base.log(options.clipping(row[y])))
        case .logits:
            let normalizer = StableLog.softmaxNormalizer(row)
            return positiveZero(-weight * base.fromNats(normalizer.logProbability(row[y])))
        }
    }
    let classes = row.count
    func target(_ j: Int) -> Double {
        let y: Double
        switch labels {
        case .indices(let indices): y = indices[i] == j ? 1 : 0
        case .distributions(let targets): y = targets[i, j]
        }
        return smoothing == 0 ? y : y * (1 - smoothing) + smoothing / Double(classes)
    }
    var total = CompensatedSum()
    switch options.predictionKind {
    case .probabilities:
        for j in 0..<classes {
            let y = target(j) * (weights?[j] ?? 1)
            if y != 0 { total.add(y * base.log(options.clipping(row[j]))) }
        }
        return positiveZero(-total.value)
    case .logits:
        let normalizer = StableLog.softmaxNormalizer(row)
        for j in 0..<classes {
            let y = target(j) * (weights?[j] ?? 1)
            if y != 0 { total.add(y * normalizer.logProbability(row[j])) }
        }
        return positiveZero(-base.fromNats(total.value))
    }
}
