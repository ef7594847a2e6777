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
    // Every sum with a weight in it is a `ScaledSum` (see categoricalCrossEntropy). A positive
    // weight multiplies one of the element's two terms only, so it does not factor out of the
    // element: the parts are kept apart and each is weighed on its own, w·(-y log p) and
    // -(1-y) log(1-p), so neither a 1e308 nor a 5e-324 weight loses the other part.
    let n = predictions.rows
    let classes = predictions.columns
    let chunks = RowChunks.count(rows: n)
    let (significands, exponents, chunkTotals) = binaryParts(
        predictions: predictions, targets: targets, options: options)
    var classTotals = [ScaledSum](repeating: ScaledSum(), count: classes)
    for chunk in 0..<chunks {
        for j in 0..<classes { classTotals[j].add(chunkTotals[chunk * classes + j]) }
    }
    var total = ScaledSum()
    var weight = ScaledSum()
    for i in 0..<n {
        let s = options.sampleWeight(i)
        total.add(significands[i], times: s, exponent: exponents[i])
        weight.add(s)
    }
    var losses = (0..<n).map { positiveZero(scaled(significands[$0], by: exponents[$0])) }
    let weightedMean = ScaledSum.ratio(total, weight)
    let meanPerElement = weightedMean / Double(max(classes, 1))
    var sum = total.value
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
        sum = ScaledSum.ratio(total, ScaledSum(columns))
        mean = ScaledSum.ratio(total, ScaledSum(columns * Double(max(n, 1))))
    }
    return BinaryLoss(
        losses: losses,
        classLosses: classTotals.map { ScaledSum.ratio($0, weight) },
        sum: sum,
        mean: mean,
        weightedMean: weightedMean,
        meanPerElement: meanPerElement
    )
}

/// Each sample's loss as significand and exponent (before sample weights), and each chunk's
/// sample-weighted class totals (chunk-major, `classes` per chunk).
func binaryParts(predictions: Matrix, targets: Matrix, options: LossOptions) -> (
    significands: [Double], exponents: [Int], chunkTotals: [ScaledSum]
) {
    let n = predictions.rows
    let classes = predictions.columns
    var significands = [Double](repeating: 0, count: n)
    var exponents = [Int](repeating: 0, count: n)
    // Each chunk of rows sums its own class terms; chunks are then added in order.
    let chunks = RowChunks.count(rows: n)
    var chunkTotals = [ScaledSum](repeating: ScaledSum(), count: chunks * classes)
    significands.withUnsafeMutableBufferPointer { significandsOut in
        exponents.withUnsafeMutableBufferPointer { exponentsOut in
            chunkTotals.withUnsafeMutableBufferPointer { totalsOut in
                nonisolated(unsafe) let significandsOut = significandsOut
                nonisolated(unsafe) let exponentsOut = exponentsOut
                nonisolated(unsafe) let totalsOut = totalsOut
                RowChunks.forEach(rows: n, columns: classes) { chunk, rows in
                    var state = BinaryChunkTotals(classes: classes)
                    for i in rows {
                        (significandsOut[i], exponentsOut[i]) = state.add(
                            row: i, predictions: predictions, targets: targets, options: options)
                    }
                    let totals = state.totals()
                    for j in 0..<classes { totalsOut[chunk * classes + j] = totals[j] }
                }
            }
        }
    }
    return (significands, exponents, chunkTotals)
}

/// One chunk's class totals of a binary loss, rows added in order: rows whose every element and
/// weighted element is a plain float64 (the common case) are summed as plain compensated sums,
/// as fast as ever; a row with anything at float64's edges is summed again, part by part, scaled.
struct BinaryChunkTotals {
    let classes: Int
    private var plainTotals: [CompensatedSum]
    private var scaledTotals: [ScaledSum] = []
    private var wholes: [Double]

    init(classes: Int) {
        self.classes = classes
        plainTotals = [CompensatedSum](repeating: CompensatedSum(), count: classes)
        wholes = [Double](repeating: 0, count: classes)
    }

    /// Adds row i; returns its loss as significand and exponent (before its sample weight).
    mutating func add(row i: Int, predictions: Matrix, targets: Matrix, options: LossOptions) -> (Double, Int) {
        let weight = options.sampleWeight(i)
        func parts(_ j: Int) -> (
            weight: Double, target: Double, positive: Double, positiveExponent: Int, negative: Double,
            negativeExponent: Int
        ) {
            elementParts(
                prediction: predictions[i, j],
                target: targets[i, j],
                positiveWeight: options.positiveWeights?[j] ?? 1,
                options: options
            )
        }
        var sample = CompensatedSum()
        var plain = true
        for j in 0..<classes {
            let parts = parts(j)
            // w·y·(-log p) + (-(1-y) log(1-p)), rounded as float64 rounds it.
            let weightedTarget = parts.weight * parts.target
            let positive = weightedTarget * parts.positive
            let whole = positive + parts.negative
            // Both parts are ≥ 0, so a plain whole bounds the positive part too.
            plain =
                plain && parts.positiveExponent == 0 && parts.negativeExponent == 0
                && (parts.positive == 0 || ScaledSum.isPlain(weightedTarget))
                && (whole == 0
                    || ScaledSum.isPlain(whole)
                        && (weight == 0 || ScaledSum.isPlain(weight * whole)))
            wholes[j] = whole
            sample.add(whole)
        }
        if plain {
            if weight != 0 {
                for j in 0..<classes { plainTotals[j].add(weight * wholes[j]) }
            }
            return (sample.value, 0)
        }
        if scaledTotals.isEmpty { scaledTotals = [ScaledSum](repeating: ScaledSum(), count: classes) }
        var scaledSample = ScaledSum()
        for j in 0..<classes {
            let parts = parts(j)
            let (positive, positiveExponent) = (parts.positive, parts.positiveExponent)
            let (negative, negativeExponent) = (parts.negative, parts.negativeExponent)
            scaledSample.add(
                positive, times: parts.weight, and: parts.target, exponent: positiveExponent)
            scaledSample.add(negative, times: 1, exponent: negativeExponent)
            scaledTotals[j].add(
                positive, times: parts.weight, and: parts.target, and: weight,
                exponent: positiveExponent)
            scaledTotals[j].add(negative, times: weight, exponent: negativeExponent)
        }
        return scaledSample.parts
    }

    /// The chunk's sample-weighted total of each class.
    func totals() -> [ScaledSum] {
        (0..<classes).map { j in
            var total = ScaledSum(plainTotals[j].value)
            if !scaledTotals.isEmpty { total.add(scaledTotals[j]) }
            return total
        }
    }
}

/// An element's loss as weight · target · positive + negative, each part ≥ 0: w, y (after
/// smoothing), -log p and -(1-y) log(1-p), kept apart so that no product of them is rounded
/// before it is weighed; for PyTorch, whose expression mixes the parts, 1, 1, 0 and the whole.
/// positive and negative are values times 2^their exponent, which is 0 unless the part is
/// beyond float64 in the base (a logit past ±1.25e308 in bits) though finite in nats.
func elementParts(prediction x: Double, target label: Double, positiveWeight w: Double, options: LossOptions)
    -> (
        weight: Double, target: Double, positive: Double, positiveExponent: Int, negative: Double, negativeExponent: Int
    )
{
    let base = options.base
    let a = options.labelSmoothing
    let y = a == 0 ? label : label * (1 - a) + a / 2
    if options.convention == .pytorch {
        let whole = base.fromNats(pytorchElementLoss(x, target: y, positiveWeight: w, options: options), exponent: 0)
        return (1, 1, 0, 0, positiveZero(whole.significand), whole.exponent)
    }
    var positive = (significand: 0.0, exponent: 0)
    var negative = (significand: 0.0, exponent: 0)
    switch options.predictionKind {
    case .probabilities:
        let p = options.clipping(x)
        if y != 0 && w != 0 { positive.significand = base.log(p) }
        if y != 1 { negative.significand = (1 - y) * base.log(1 - p) }
    case .logits:
        // Into the base before weighing, so a product overflows only if its value in the base does.
        if y != 0 && w != 0 { positive = base.fromNats(StableLog.logSigmoid(x), exponent: 0) }
        if y != 1 {
            negative = base.fromNats(StableLog.logOneMinusSigmoid(x), exponent: 0)
            negative.significand *= 1 - y
        }
    }
    return (
        w, y, positiveZero(-positive.significand), positive.exponent, positiveZero(-negative.significand),
        negative.exponent
    )
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
