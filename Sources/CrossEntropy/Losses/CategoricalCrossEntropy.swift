/// Categorical cross-entropy for multi-class classification:
/// L_i = -Σ_j w_j y_ij log_base(p_ij), loss = Σ_i s_i L_i / Σ_i s_i (the mean without weights).
///
/// Terms with y_ij = 0 contribute exactly 0 (0·log anything = 0). Probabilities are clipped
/// (Keras renormalises each row first); logits go through a stable log-softmax. Label
/// smoothing, class weights w, sample weights s and the convention's reduction come from
/// `options`. The caller validates shapes and ranges first.
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
    let weightedMean = sum / max(weight, .leastNonzeroMagnitude)
    let divisor: Double
    switch options.convention {
    case .document, .sklearn: divisor = weight
    case .keras: divisor = Double(losses.count)  // "sum_over_batch_size"
    case .pytorch: divisor = pytorchDivisor(labels: labels, options: options) ?? weight
    }
    return CategoricalLoss(
        losses: losses,
        sum: sum,
        mean: sum / max(divisor, .leastNonzeroMagnitude),
        weightedMean: weightedMean
    )
}

/// PyTorch divides a class-weighted loss over index labels by Σ_i w_{y_i} (times s_i here,
/// where sample weights generalise it), not by n. Nil where it divides by the sample count.
func pytorchDivisor(labels: CategoricalLabels, options: LossOptions) -> Double? {
    guard case .indices(let indices) = labels, let weights = options.classWeights else { return nil }
    var total = CompensatedSum()
    for (i, y) in indices.enumerated() { total.add(options.sampleWeight(i) * weights[y]) }
    return total.value
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
    // Keras divides probability rows by their sum before clipping.
    let scale =
        options.convention == .keras && options.predictionKind == .probabilities
        ? CompensatedSum.of(row) : 1
    func logProbability(_ p: Double) -> Double {
        base.log(options.clipping(scale == 1 ? p : p / scale))
    }
    // The common case, one index and nothing else: a single log.
    if case .indices(let indices) = labels, smoothing == 0 {
        let y = indices[i]
        let weight = weights?[y] ?? 1
        switch options.predictionKind {
        case .probabilities:
            return positiveZero(-weight * logProbability(row[y]))
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
            if y != 0 { total.add(y * logProbability(row[j])) }
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
