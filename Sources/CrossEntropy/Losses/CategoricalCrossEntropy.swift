/// Categorical cross-entropy for multi-class classification:
/// L_i = -Σ_j y_ij log_base(p_ij), loss = (1/n) Σ_i L_i.
///
/// Terms with y_ij = 0 contribute exactly 0 (0·log anything = 0). Probabilities are clipped;
/// logits go through a stable log-softmax. The caller validates shapes and ranges first.
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
    let sum = CompensatedSum.of(losses)
    return CategoricalLoss(losses: losses, sum: sum, mean: sum / Double(max(losses.count, 1)))
}

private func sampleLoss(
    row: UnsafeBufferPointer<Double>,
    labels: CategoricalLabels,
    sample i: Int,
    options: LossOptions
) -> Double {
    let base = options.base
    switch (options.predictionKind, labels) {
    case (.probabilities, .indices(let indices)):
        return positiveZero(-base.log(options.clipping(row[indices[i]])))
    case (.probabilities, .distributions(let targets)):
        var total = CompensatedSum()
        for j in 0..<row.count {
            let y = targets[i, j]
            if y != 0 { total.add(y * base.log(options.clipping(row[j]))) }
        }
        return positiveZero(-total.value)
    case (.logits, .indices(let indices)):
        let normalizer = StableLog.softmaxNormalizer(row)
        return positiveZero(-base.fromNats(normalizer.logProbability(row[indices[i]])))
    case (.logits, .distributions(let targets)):
        let normalizer = StableLog.softmaxNormalizer(row)
        var total = CompensatedSum()
        for j in 0..<row.count {
            let y = targets[i, j]
            if y != 0 { total.add(y * normalizer.logProbability(row[j])) }
        }
        return positiveZero(-base.fromNats(total.value))
    }
}
