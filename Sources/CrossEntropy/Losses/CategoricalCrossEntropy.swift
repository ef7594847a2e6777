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
    // Weights are divided by the power of two of their largest before anything is summed, and
    // results multiplied back at the end: 1e308 weights cannot overflow a total, 5e-324 ones
    // are not rounded away, and ordinary weights give the same bits as without scaling.
    let (sampleScaled, sampleScale) = options.scalingSampleWeights()
    let (scaled, classScale) = scalingClassWeights(sampleScaled, labels: labels)
    var losses = [Double](repeating: 0, count: predictions.rows)
    losses.withUnsafeMutableBufferPointer { out in
        nonisolated(unsafe) let out = out  // each chunk writes its own rows
        RowChunks.forEach(rows: predictions.rows, columns: predictions.columns) { _, rows in
            for i in rows {
                out[i] = predictions.withRow(i) { row in
                    sampleLoss(row: row, labels: labels, sample: i, options: scaled)
                }
            }
        }
    }
    // Σ ŝ_i L̂_i and Σ ŝ_i, with ŝ = s / 2^a and L̂ = L / 2^b: a cancels in every mean, b only
    // in PyTorch's class-weighted one.
    let totals = scaled.weightedTotals(losses)
    let weightedMean = totals.mean(times: classScale)
    let mean: Double
    switch options.convention {
    case .document, .sklearn: mean = weightedMean
    case .keras:  // "sum_over_batch_size"
        mean = totals.divided(by: Double(losses.count), times: sampleScale * classScale)
    case .pytorch:
        // Σ s_i L_i / Σ s_i w_{y_i}: both sides carry 2^(a + b), which cancels.
        mean = pytorchDivisor(labels: labels, options: scaled).map { totals.divided(by: $0) } ?? weightedMean
    }
    if classScale.exponent != 0 {
        for i in losses.indices { losses[i] = classScale.up(losses[i]) }
    }
    return CategoricalLoss(
        losses: losses,
        sum: totals.sum(times: sampleScale * classScale),
        mean: mean,
        weightedMean: weightedMean
    )
}

/// The options with class weights divided by the power of two of the largest weight in use:
/// the labelled classes' with index labels and no smoothing (the only ones that enter the
/// loss), every class's otherwise. Class weights multiply every term, so they factor out of
/// each per-sample loss exactly.
func scalingClassWeights(_ options: LossOptions, labels: CategoricalLabels) -> (LossOptions, PowerOfTwoScale) {
    guard let weights = options.classWeights else { return (options, .one) }
    let scale: PowerOfTwoScale
    if case .indices(let indices) = labels, options.labelSmoothing == 0 {
        var inUse = [Bool](repeating: false, count: weights.count)
        for y in indices { inUse[y] = true }
        scale = PowerOfTwoScale(largestOf: zip(weights, inUse).lazy.filter { $0.1 }.map { $0.0 })
    } else {
        scale = PowerOfTwoScale(largestOf: weights)
    }
    guard scale.exponent != 0 else { return (options, scale) }
    var scaled = options
    scaled.classWeights = weights.map(scale.down)
    return (scaled, scale)
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
        if weight == 0 { return 0 }  // 0 · log p is 0, even where log p is -infinity
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
