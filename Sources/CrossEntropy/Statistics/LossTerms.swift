/// Every convention's reported loss as a ratio Σ aᵢ / Σ bᵢ over samples, aᵢ what sample i adds to
/// the numerator and bᵢ to the denominator, gathered into `RatioMoments` (denominator, standard
/// error) and per-class means.
///
/// | convention              | aᵢ                  | bᵢ                         |
/// |-------------------------|---------------------|----------------------------|
/// | document, scikit-learn  | sᵢ Lᵢ               | sᵢ                         |
/// | Keras                   | sᵢ Lᵢ (BCE: Lᵢ / C) | 1                          |
/// | PyTorch CCE, index labels with class weights | Lᵢ (w inside) | w_{yᵢ} (· sᵢ) |
/// | PyTorch CCE otherwise   | Lᵢ                  | 1                          |
/// | PyTorch BCE             | Lᵢ                  | C (its mean runs over n·C) |
///
/// with Lᵢ the reported per-sample loss and sᵢ the sample weight (1 without). Weights and
/// losses are divided by the powers of two of their largest first (`PowerOfTwoScale`), so that
/// weights of 1e-300 do not underflow the squares and 1e308 ones do not overflow the sums; the
/// exponents travel with the moments.
public enum LossTerms {
    /// The moments of a categorical loss.
    public static func categorical(_ result: CategoricalLoss, labels: CategoricalLabels, options: LossOptions)
        -> RatioMoments
    {
        let terms = Terms(categorical: result, labels: labels, options: options)
        return RatioMoments(
            count: result.losses.count, numeratorExponent: terms.numeratorExponent,
            denominatorExponent: terms.denominatorExponent, counts: terms.counts, terms: terms.term)
    }

    /// The moments of a binary loss over `classes` columns.
    public static func binary(_ result: BinaryLoss, options: LossOptions) -> RatioMoments {
        let terms = Terms(binary: result, options: options)
        return RatioMoments(
            count: result.losses.count, numeratorExponent: terms.numeratorExponent,
            denominatorExponent: terms.denominatorExponent, counts: terms.counts, terms: terms.term)
    }

    /// For each class present among index labels, in class order: how many samples have it as
    /// their true class, and the convention's loss over those samples alone (Σ aᵢ / Σ bᵢ over
    /// them; nil where their bᵢ sum to 0). These are means, so they do not add up to the loss.
    public static func perClass(
        _ result: CategoricalLoss, labels: [Int], classes: Int, options: LossOptions
    ) -> [ClassLoss] {
        let terms = Terms(categorical: result, labels: .indices(labels), options: options)
        var counts = [Int](repeating: 0, count: classes)
        var numerators = [CompensatedSum](repeating: CompensatedSum(), count: classes)
        var denominators = [CompensatedSum](repeating: CompensatedSum(), count: classes)
        for (i, y) in labels.enumerated() where y >= 0 && y < classes {
            let (a, b) = terms(i)
            counts[y] += 1
            numerators[y].add(a)
            denominators[y].add(b)
        }
        let exponent = terms.numeratorExponent - terms.denominatorExponent
        return (0..<classes).filter { counts[$0] > 0 }.map { j in
            let b = denominators[j].value
            let loss = b == 0 ? nil : positiveZero(scaled(numerators[j].value / b, by: exponent))
            return ClassLoss(classIndex: j, count: counts[j], loss: loss)
        }
    }
}

/// One class's share of a categorical loss (see `LossTerms.perClass`).
public struct ClassLoss: Sendable, Equatable {
    /// The class index.
    public let classIndex: Int
    /// Samples whose true class it is.
    public let count: Int
    /// The convention's loss over those samples (nil when their denominator terms are all 0).
    public let loss: Double?
}

/// aᵢ and bᵢ of each sample, scaled (internal for `PairedComparison`): the true values are a · 2^numeratorExponent and
/// b · 2^denominatorExponent.
struct Terms {
    enum Denominator {
        case sampleWeight
        case constant(Double)
        case classWeight([Int], [Double])
    }

    let losses: [Double]
    let sampleWeights: [Double]?
    let denominator: Denominator
    let sampleScale: PowerOfTwoScale
    let lossScale: PowerOfTwoScale
    let classScale: PowerOfTwoScale

    init(categorical result: CategoricalLoss, labels: CategoricalLabels, options: LossOptions) {
        var classScale = PowerOfTwoScale.one
        let denominator: Denominator
        switch options.convention {
        case .document, .sklearn: denominator = .sampleWeight
        case .keras: denominator = .constant(1)
        case .pytorch:
            if case .indices(let indices) = labels, let weights = options.classWeights {
                classScale = PowerOfTwoScale(largestOf: weights)
                denominator = .classWeight(indices, weights)
            } else {
                denominator = .constant(1)
            }
        }
        self.init(losses: result.losses, options: options, denominator: denominator, classScale: classScale)
    }

    init(binary result: BinaryLoss, options: LossOptions) {
        let denominator: Denominator
        switch options.convention {
        case .document, .sklearn: denominator = .sampleWeight
        case .keras: denominator = .constant(1)
        case .pytorch: denominator = .constant(Double(max(result.classLosses.count, 1)))
        }
        self.init(losses: result.losses, options: options, denominator: denominator, classScale: .one)
    }

    private init(losses: [Double], options: LossOptions, denominator: Denominator, classScale: PowerOfTwoScale) {
        self.losses = losses
        self.sampleWeights = options.sampleWeights
        self.denominator = denominator
        self.sampleScale = options.sampleWeights.map { PowerOfTwoScale(largestOf: $0) } ?? .one
        self.lossScale = PowerOfTwoScale(largestOf: losses)
        self.classScale = classScale
    }

    var numeratorExponent: Int { sampleScale.exponent + lossScale.exponent }

    var denominatorExponent: Int {
        switch denominator {
        case .sampleWeight: sampleScale.exponent
        case .constant: 0
        case .classWeight: classScale.exponent + sampleScale.exponent
        }
    }

    /// Whether sample i counts: its unscaled aᵢ or bᵢ is not 0 (a weight of 5e-324 scales to 0
    /// beside a weight of 1, yet the sample counts in n).
    func counts(_ i: Int) -> Bool {
        let s = sampleWeights?[i] ?? 1
        if s != 0 && losses[i] != 0 { return true }
        switch denominator {
        case .sampleWeight: return s != 0
        case .constant(let b): return b != 0
        case .classWeight(let indices, let weights): return s != 0 && weights[indices[i]] != 0
        }
    }

    /// aᵢ and bᵢ with their products' rounding errors (`RatioTerm`): a = s·L rounded and aLow
    /// what it dropped, exactly (fused multiply-add); likewise b = w·s.
    func term(_ i: Int) -> RatioTerm {
        let s = sampleWeights.map { sampleScale.down($0[i]) } ?? 1
        let loss = lossScale.down(losses[i])
        let a = s == 0 ? 0 : s * loss
        let aLow = s == 0 || !a.isFinite ? 0 : (-a).addingProduct(s, loss)
        switch denominator {
        case .sampleWeight: return RatioTerm(a: a, aLow: aLow, b: s)
        case .constant(let b): return RatioTerm(a: a, aLow: aLow, b: b)
        case .classWeight(let indices, let weights):
            let w = classScale.down(weights[indices[i]])
            let b = w * s
            return RatioTerm(a: a, aLow: aLow, b: b, bLow: b.isFinite ? (-b).addingProduct(w, s) : 0)
        }
    }

    func callAsFunction(_ i: Int) -> (a: Double, b: Double) {
        let s = sampleWeights.map { sampleScale.down($0[i]) } ?? 1
        let a = s == 0 ? 0 : s * lossScale.down(losses[i])
        switch denominator {
        case .sampleWeight: return (a, s)
        case .constant(let b): return (a, b)
        case .classWeight(let indices, let weights): return (a, classScale.down(weights[indices[i]]) * s)
        }
    }
}
