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
    // Every sum with a weight in it is a `ScaledSum`: each weighted term is divided by the power
    // of two of the largest before it is added, and results are scaled back at the end. So a
    // 1e308 weight cannot overflow a total, a 5e-324 one is not rounded away, and ordinary
    // weights give the same bits as a plain sum. Each sample's loss is kept the same way
    // (significand and exponent) until it is weighed, so a loss beyond float64 whose sample
    // weight brings it back in range still counts exactly.
    let (significands, exponents) = categoricalSampleParts(predictions: predictions, labels: labels, options: options)
    var total = ScaledSum()
    var weight = ScaledSum()
    for i in significands.indices {
        let s = options.sampleWeight(i)
        total.add(significands[i], times: s, exponent: exponents[i])
        weight.add(s)
    }
    let weightedMean = ScaledSum.ratio(total, weight)
    let mean: Double
    switch options.convention {
    case .document, .sklearn: mean = weightedMean
    case .keras: mean = ScaledSum.ratio(total, ScaledSum(Double(significands.count)))  // "sum_over_batch_size"
    case .pytorch:
        mean = pytorchDivisor(labels: labels, options: options).map { ScaledSum.ratio(total, $0) } ?? weightedMean
    }
    return CategoricalLoss(
        losses: significands.indices.map { positiveZero(scaled(significands[$0], by: exponents[$0])) },
        sum: total.value,
        mean: mean,
        weightedMean: weightedMean
    )
}

/// Each sample's loss as significand and exponent (before sample weights), rows in chunks.
func categoricalSampleParts(predictions: Matrix, labels: CategoricalLabels, options: LossOptions) -> (
    significands: [Double], exponents: [Int]
) {
    var significands = [Double](repeating: 0, count: predictions.rows)
    var exponents = [Int](repeating: 0, count: predictions.rows)
    significands.withUnsafeMutableBufferPointer { significandsOut in
        exponents.withUnsafeMutableBufferPointer { exponentsOut in
            nonisolated(unsafe) let significandsOut = significandsOut  // each chunk writes its own rows
            nonisolated(unsafe) let exponentsOut = exponentsOut
            RowChunks.forEach(rows: predictions.rows, columns: predictions.columns) { _, rows in
                for i in rows {
                    let loss = predictions.withRow(i) { row in
                        sampleLoss(row: row, labels: labels, sample: i, options: options)
                    }
                    (significandsOut[i], exponentsOut[i]) = loss.parts
                }
            }
        }
    }
    return (significands, exponents)
}

/// PyTorch divides a class-weighted loss over index labels by Σ_i w_{y_i} (times s_i here,
/// where sample weights generalise it), not by n. Nil where it divides by the sample count.
func pytorchDivisor(labels: CategoricalLabels, options: LossOptions) -> ScaledSum? {
    guard case .indices(let indices) = labels, let weights = options.classWeights else { return nil }
    var total = ScaledSum()
    for (i, y) in indices.enumerated() { total.add(weights[y], times: options.sampleWeight(i)) }
    return total
}

private func sampleLoss(
    row: UnsafeBufferPointer<Double>,
    labels: CategoricalLabels,
    sample i: Int,
    options: LossOptions
) -> ScaledSum {
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
    var total = ScaledSum()
    // The common case, one index and nothing else: a single log.
    if case .indices(let indices) = labels, smoothing == 0 {
        let y = indices[i]
        let weight = weights?[y] ?? 1
        // A weight of 0 adds nothing, even where log p is -infinity.
        switch options.predictionKind {
        case .probabilities:
            total.add(-logProbability(row[y]), times: weight)
        case .logits:
            let normalizer = StableLog.softmaxNormalizer(row)
            let logP = normalizer.scaledLogProbability(row[y])
            let (s, e) = base.fromNats(logP.significand, exponent: logP.exponent)
            total.add(-s, times: weight, exponent: e)
        }
        return total
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
    switch options.predictionKind {
    case .probabilities:
        for j in 0..<classes {
            let t = target(j)
            if t != 0 { total.add(-logProbability(row[j]), times: t, and: weights?[j] ?? 1) }
        }
    case .logits:
        // Each term into the base first: a sum in nats may overflow where its value in
        // hartleys does not. A term beyond float64 in the base (or z − max beyond it) is kept
        // as significand and exponent until its weights bring it back.
        let normalizer = StableLog.softmaxNormalizer(row)
        for j in 0..<classes {
            let t = target(j)
            guard t != 0 else { continue }
            let logP = normalizer.scaledLogProbability(row[j])
            let (s, e) = base.fromNats(logP.significand, exponent: logP.exponent)
            total.add(-s, times: t, and: weights?[j] ?? 1, exponent: e)
        }
    }
    return total
}
