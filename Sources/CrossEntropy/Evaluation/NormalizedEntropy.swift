/// Normalized entropy: the loss divided by the loss of the best constant predictor, the label
/// prior (TorchRec's NE, generalised). Below 1, the model beats always guessing the prior.
///
/// The prior is the (sample-weighted) mean target: class frequencies for categorical labels,
/// each class's base rate for binary ones, after label smoothing. Because the loss is linear in
/// the targets, the constant predictor's loss is -Σ_j w_j q_j log q_j (categorical) and
/// -Σ_j [w_j r_j log r_j + (1 - r_j) log(1 - r_j)] (binary), with the same clipping.
/// Nil when the labels as given (before smoothing) leave nothing to predict: for categorical
/// labels when one class holds every sample, for binary ones when every column is constant
/// (among samples of positive weight). The prior's loss is then 0, or only what clipping and
/// smoothing add to it, and the ratio would be noise (3.5 million for one sample under Keras).
public enum NormalizedEntropy {
    public static func categorical(loss: Double, labels: CategoricalLabels, classes: Int, options: LossOptions)
        -> Double?
    {
        // The prior is a ratio of sample weights, and class weights multiply both losses: both
        // scales cancel, so the prior's loss is computed with scaled weights and the loss scaled
        // to match.
        let (options, classScale) = scalingClassWeights(options.scalingSampleWeights().options, labels: labels)
        let loss = classScale.down(loss)
        let prior: [Double]
        switch labels {
        case .indices(let indices):
            // Class frequencies straight from the indices: n steps, not n × C.
            var counts = [CompensatedSum](repeating: CompensatedSum(), count: classes)
            var total = CompensatedSum()
            for (i, y) in indices.enumerated() {
                let weight = options.sampleWeight(i)
                counts[y].add(weight)
                total.add(weight)
            }
            prior = counts.map { $0.value / total.value }
        case .distributions(let targets):
            prior = meanTargets(rows: targets.rows, classes: classes, options: options) { i, j in targets[i, j] }
        }
        return categorical(loss: loss, prior: prior, classes: classes, options: options)
    }

    /// The ratio of `loss` to the loss of the constant predictor `prior` (class frequencies).
    static func categorical(loss: Double, prior: [Double], classes: Int, options: LossOptions) -> Double? {
        // One class holds every sample exactly when the prior puts all its weight on it.
        if prior.contains(1) { return nil }
        let smoothing = options.labelSmoothing
        var priorLoss = CompensatedSum()
        for (j, rate) in prior.enumerated() {
            let q = smoothing == 0 ? rate : rate * (1 - smoothing) + smoothing / Double(classes)
            if q != 0 { priorLoss.add(-(options.classWeights?[j] ?? 1) * q * options.base.log(options.clipping(q))) }
        }
        return ratio(loss, priorLoss.value)
    }

    public static func binary(loss: Double, targets: Matrix, options: LossOptions) -> Double? {
        let options = options.scalingSampleWeights().options  // the prior is a ratio
        if everyColumnIsConstant(targets, options: options) { return nil }
        let prior = meanTargets(rows: targets.rows, classes: targets.columns, options: options) { i, j in targets[i, j]
        }
        return binary(loss: loss, prior: prior, options: options)
    }

    /// The ratio of `loss` to the loss of the constant predictor `prior` (base rates).
    static func binary(loss: Double, prior: [Double], options: LossOptions) -> Double? {
        let smoothing = options.labelSmoothing
        var priorLoss = CompensatedSum()
        for (j, rate) in prior.enumerated() {
            let r = smoothing == 0 ? rate : rate * (1 - smoothing) + smoothing / 2
            let p = options.clipping(r)
            if r != 0 { priorLoss.add(-(options.positiveWeights?[j] ?? 1) * r * options.base.log(p)) }
            if r != 1 { priorLoss.add(-(1 - r) * options.base.log(1 - p)) }
        }
        return ratio(loss, priorLoss.value)
    }

    static func meanTargets(
        rows: Int,
        classes: Int,
        options: LossOptions,
        _ target: (Int, Int) -> Double
    ) -> [Double] {
        var sums = [CompensatedSum](repeating: CompensatedSum(), count: classes)
        var total = CompensatedSum()
        for i in 0..<rows {
            let weight = options.sampleWeight(i)
            total.add(weight)
            for j in 0..<classes {
                let y = target(i, j)
                if y != 0 && weight != 0 { sums[j].add(weight * y) }
            }
        }
        return sums.map { $0.value / total.value }
    }

    private static func everyColumnIsConstant(_ targets: Matrix, options: LossOptions) -> Bool {
        var first: Int?
        for i in 0..<targets.rows where options.sampleWeight(i) != 0 {
            guard let reference = first else {
                first = i
                continue
            }
            for j in 0..<targets.columns where targets[i, j] != targets[reference, j] { return false }
        }
        return true
    }

    private static func ratio(_ loss: Double, _ priorLoss: Double) -> Double? {
        priorLoss > BandTolerance.perfect && priorLoss.isFinite ? loss / priorLoss : nil
    }
}

/// The options with class weights divided by the power of two just above the largest in use:
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
