#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Binary cross-entropy for multi-label classification, each class an independent
/// yes/no question: L_i = -Σ_j [w_j y_ij log p_ij + (1 - y_ij) log(1 - p_ij)], w_j the positive
/// weights (1 by default); loss = Σ_i s_i L_i / Σ_i s_i, or the convention's reduction.
///
/// Probabilities are clipped; logits use log p = -softplus(-x) and log(1-p) = -softplus(x).
/// A term whose weight (y or 1-y) is 0 contributes exactly 0. Shapes must match.
public func binaryCrossEntropy(
    predictions: Matrix,
    targets: Matrix,
    options: LossOptions = LossOptions()
) -> BinaryLoss {
    precondition(predictions.rows == targets.rows && predictions.columns == targets.columns, "shape mismatch")
    // Sample weights are divided by the power of two of their largest before any sum (see
    // categoricalCrossEntropy). Positive weights are not: w enters -[w y log p + (1-y) log(1-p)]
    // beside an unweighted term, so it does not factor out; each element is computed whole,
    // and since every term is ≥ 0, a sum is infinite only when its exact value overflows.
    let (options, sampleScale) = options.scalingSampleWeights()
    let n = predictions.rows
    let classes = predictions.columns
    var losses = [Double](repeating: 0, count: n)
    // Each chunk of rows sums its own class terms; chunks are then added in order.
    let chunks = RowChunks.count(rows: n)
    var chunkTotals = [Double](repeating: 0, count: chunks * classes)
    losses.withUnsafeMutableBufferPointer { out in
        chunkTotals.withUnsafeMutableBufferPointer { totalsOut in
            nonisolated(unsafe) let out = out
            nonisolated(unsafe) let totalsOut = totalsOut
            RowChunks.forEach(rows: n, columns: classes) { chunk, rows in
                var classTotals = [CompensatedSum](repeating: CompensatedSum(), count: classes)
                for i in rows {
                    var sample = CompensatedSum()
                    let weight = options.sampleWeight(i)
                    for j in 0..<classes {
                        let term = elementLoss(
                            prediction: predictions[i, j],
                            target: targets[i, j],
                            positiveWeight: options.classWeights?[j] ?? 1,
                            options: options
                        )
                        sample.add(term)
                        if weight != 0 { classTotals[j].add(weight * term) }
                    }
                    out[i] = positiveZero(sample.value)
                }
                for j in 0..<classes { totalsOut[chunk * classes + j] = classTotals[j].value }
            }
        }
    }
    var classTotals = [CompensatedSum](repeating: CompensatedSum(), count: classes)
    for chunk in 0..<chunks {
        for j in 0..<classes { classTotals[j].add(chunkTotals[chunk * classes + j]) }
    }
    let totals = options.weightedTotals(losses)
    let weight = max(totals.weight, .leastNonzeroMagnitude)
    let weightedMean = totals.mean()
    let meanPerElement = weightedMean / Double(max(classes, 1))
    var classLosses = classTotals.map { $0.value / weight }
    if classLosses.contains(where: { !$0.isFinite }) && losses.allSatisfy(\.isFinite) {
        // Only when terms near float64's largest add up past it: again, each scaled down first.
        classLosses = scaledClassLosses(losses: losses, predictions: predictions, targets: targets, options: options)
    }
    var sum = totals.sum(times: sampleScale)
    let mean: Double
    switch options.convention {
    case .document, .sklearn:
        mean = weightedMean
    case .pytorch:
        mean = meanPerElement
    case .keras:
        // Keras' per-sample loss is the mean over the class axis; "sum_over_batch_size" then
        // divides the (weighted) sum by n.
        let columns = Double(max(classes, 1))
        for i in losses.indices { losses[i] /= columns }
        let kerasTotals = options.weightedTotals(losses)
        sum = kerasTotals.sum(times: sampleScale)
        mean = kerasTotals.divided(by: Double(max(n, 1)), times: sampleScale)
    }
    return BinaryLoss(
        losses: losses,
        classLosses: classLosses,
        sum: sum,
        mean: mean,
        weightedMean: weightedMean,
        meanPerElement: meanPerElement
    )
}

/// Σ_i s_i t_ij / Σ_i s_i for each class j, with each element loss t_ij divided by the power
/// of two of the largest per-sample loss first (t_ij ≤ L_i). The slow path, taken only when
/// the plain sums overflow.
private func scaledClassLosses(losses: [Double], predictions: Matrix, targets: Matrix, options: LossOptions)
    -> [Double]
{
    let scale = PowerOfTwoScale(largestOf: losses)
    var totals = [CompensatedSum](repeating: CompensatedSum(), count: predictions.columns)
    var weight = CompensatedSum()
    for i in 0..<predictions.rows {
        let s = options.sampleWeight(i)
        weight.add(s)
        guard s != 0 else { continue }
        for j in 0..<predictions.columns {
            let term = elementLoss(
                prediction: predictions[i, j],
                target: targets[i, j],
                positiveWeight: options.classWeights?[j] ?? 1,
                options: options
            )
            totals[j].add(s * scale.down(term))
        }
    }
    return totals.map { scale.up($0.value / max(weight.value, .leastNonzeroMagnitude)) }
}

/// -[w y log p + (1-y) log(1-p)] for one element, in the requested base, after smoothing.
func elementLoss(prediction x: Double, target label: Double, positiveWeight w: Double, options: LossOptions) -> Double {
    let base = options.base
    let a = options.labelSmoothing
    let y = a == 0 ? label : label * (1 - a) + a / 2
    if options.convention == .pytorch {
        return positiveZero(base.fromNats(pytorchElementLoss(x, target: y, positiveWeight: w, options: options)))
    }
    var positive = 0.0
    var negative = 0.0
    switch options.predictionKind {
    case .probabilities:
        let p = options.clipping(x)
        if y != 0 && w != 0 { positive = w * y * base.log(p) }
        if y != 1 { negative = (1 - y) * base.log(1 - p) }
    case .logits:
        if y != 0 && w != 0 { positive = base.fromNats(w * y * StableLog.logSigmoid(x)) }
        if y != 1 { negative = base.fromNats((1 - y) * StableLog.logOneMinusSigmoid(x)) }
    }
    return positiveZero(-(positive + negative))
}

/// PyTorch's own expressions, in nats, so its roundings are reproduced too:
/// binary_cross_entropy: (y - 1)·max(log1p(-p), -100) - y·max(log p, -100);
/// binary_cross_entropy_with_logits: (1 - y)·x - ((w - 1)·y + 1)·log σ(x).
private func pytorchElementLoss(_ x: Double, target y: Double, positiveWeight w: Double, options: LossOptions)
    -> Double
{
    switch options.predictionKind {
    case .probabilities:
        let p = options.clipping(x)
        let floor = Convention.pytorchLogFloor
        let positive = y == 0 ? 0 : w * y * max(naturalLog(p), floor)
        let negative = y == 1 ? 0 : (y - 1) * max(log1p(-p), floor)
        return negative - positive
    case .logits:
        return (1 - y) * x - ((w - 1) * y + 1) * StableLog.logSigmoid(x)
    }
}
