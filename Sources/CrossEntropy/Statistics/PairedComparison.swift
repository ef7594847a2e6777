/// A paired comparison of two models' losses over the same samples: is the candidate's loss
/// lower than the baseline's, beyond what the samples' spread explains?
///
/// In the notation of `LossTerms`, each model's loss is Σ aᵢ / Σ bᵢ with the same bᵢ for both
/// (they depend on the labels, weights and convention, not on the predictions). The difference
/// candidate − baseline is then the ratio Σ dᵢ / Σ bᵢ of dᵢ = aᵢ(candidate) − aᵢ(baseline), and
/// its standard error is the same delta-method form (`RatioMoments`) applied to dᵢ. Without
/// weights (bᵢ = 1) that is the paired t-test: t = mean / standard error with n − 1 degrees of
/// freedom is `scipy.stats.ttest_rel(candidate, baseline)`'s statistic, and the interval is
/// `scipy.stats.t.interval(confidence, n − 1, mean, standard_error)`.
///
/// The degenerate case is decided explicitly: when every residual dᵢ − mean·bᵢ is 0 (without
/// weights: every dᵢ equal), the standard error is 0 and the interval is [mean, mean]; the
/// p-value is then 1 when the mean is 0 (identical models) and 0 otherwise, where scipy gives
/// NaN, or ±inf and 0. Otherwise a standard error that underflows to 0 is left out (with the
/// interval and p-value), so the verdict is `no_significant_difference`.
public struct PairedComparison: Sendable {
    /// Which model the interval favours.
    public enum Verdict: String, Sendable {
        /// The interval lies below 0: the candidate's loss is lower.
        case candidateBetter = "candidate_better"
        /// The interval lies above 0: the baseline's loss is lower.
        case baselineBetter = "baseline_better"
        /// The interval contains 0, or there is no interval (fewer than two samples count).
        case noSignificantDifference = "no_significant_difference"
    }

    /// candidate − baseline, Σ dᵢ / Σ bᵢ (nil when Σ bᵢ is 0).
    public let mean: Double?
    /// The standard error of `mean` (nil with fewer than two samples, or not finite).
    public let standardError: Double?
    /// mean ± t(1 − (1 − c)/2, n − 1) · standardError (nil where the standard error is).
    public let interval: (low: Double, high: Double)?
    /// The two-sided p-value of t = mean / standardError with n − 1 degrees of freedom.
    public let pValue: Double?
    /// The interval's confidence c.
    public let confidence: Double
    /// Samples that count (aᵢ or bᵢ of either model not 0): n.
    public let count: Int
    /// Whether every residual dᵢ − mean·bᵢ is exactly 0 (as the caller decided).
    public let isDegenerate: Bool

    /// The verdict of the interval: below 0, above 0, or neither.
    public var verdict: Verdict {
        guard let interval else { return .noSignificantDifference }
        if interval.high < 0 { return .candidateBetter }
        if interval.low > 0 { return .baselineBetter }
        return .noSignificantDifference
    }

    /// The comparison from the moments of dᵢ over bᵢ, `isDegenerate` as decided by the caller.
    public init(differences moments: RatioMoments, isDegenerate: Bool, confidence: Double) {
        self.confidence = confidence
        self.isDegenerate = isDegenerate
        count = moments.count
        mean = moments.ratio.map { $0 == 0 ? 0 : $0 }  // no -0 in an answer
        guard let mean, moments.count >= 2 else {
            standardError = nil
            interval = nil
            pValue = nil
            return
        }
        let degrees = Double(moments.count - 1)
        if isDegenerate {
            standardError = 0
            interval = (mean, mean)
            pValue = mean == 0 ? 1 : 0
            return
        }
        // Residuals that are not all 0 give a positive error; one that computes to 0 has
        // underflowed (weights spanning more than float64's range, as [1e200, 1, 1]): it is
        // left out, not taken for a certain difference.
        guard let error = moments.standardError, error > 0 else {
            standardError = nil
            interval = nil
            pValue = nil
            return
        }
        standardError = error
        interval = moments.interval(
            around: mean, critical: StudentT.twoSidedCritical(confidence: confidence, degreesOfFreedom: degrees))
        pValue = StudentT.twoSidedPValue(mean / error, degreesOfFreedom: degrees)
    }

    /// The comparison of plain per-sample values (every bᵢ = 1): the paired t-test of
    /// `candidate` against `baseline`, which must have the same count.
    public init(candidate: [Double], baseline: [Double], confidence: Double) {
        let count = min(candidate.count, baseline.count)
        let differences = (0..<count).map { candidate[$0] - baseline[$0] }
        let scale = PowerOfTwoScale(largestOf: differences)
        let moments = RatioMoments(count: count, numeratorExponent: scale.exponent) { (scale.down(differences[$0]), 1) }
        self.init(
            differences: moments, isDegenerate: differences.allSatisfy { $0 == differences.first },
            confidence: confidence)
    }
}

extension LossTerms {
    /// The paired comparison of two categorical losses over the same labels and options.
    public static func compare(
        candidate: CategoricalLoss, baseline: CategoricalLoss, labels: CategoricalLabels, options: LossOptions,
        confidence: Double
    ) -> PairedComparison {
        let difference = Terms(
            difference: Terms(categorical: candidate, labels: labels, options: options),
            minus: Terms(categorical: baseline, labels: labels, options: options))
        return difference.comparison(confidence: confidence)
    }

    /// The paired comparison of two binary losses over the same targets and options.
    public static func compare(candidate: BinaryLoss, baseline: BinaryLoss, options: LossOptions, confidence: Double)
        -> PairedComparison
    {
        let difference = Terms(
            difference: Terms(binary: candidate, options: options), minus: Terms(binary: baseline, options: options))
        return difference.comparison(confidence: confidence)
    }
}

extension Terms {
    /// The terms of dᵢ = aᵢ(candidate) − aᵢ(baseline) over the same bᵢ: the per-sample losses'
    /// differences (no overflow: losses are finite and not negative) under the same weights.
    init(difference candidate: Terms, minus baseline: Terms) {
        let count = min(candidate.losses.count, baseline.losses.count)
        let differences = (0..<count).map { candidate.losses[$0] - baseline.losses[$0] }
        losses = differences
        sampleWeights = candidate.sampleWeights
        denominator = candidate.denominator
        sampleScale = candidate.sampleScale
        lossScale = PowerOfTwoScale(largestOf: differences)
        classScale = candidate.classScale
    }

    /// The comparison of these difference terms.
    func comparison(confidence: Double) -> PairedComparison {
        let moments = RatioMoments(
            count: losses.count, numeratorExponent: numeratorExponent, denominatorExponent: denominatorExponent,
            counts: counts, terms: term)
        return PairedComparison(differences: moments, isDegenerate: residualsVanish, confidence: confidence)
    }

    /// Whether some m has aᵢ = m·bᵢ exactly for every sample that counts (for one whose terms
    /// scaled to 0, known only when m = 0 and its difference is 0): compared as
    /// aᵢ·b_r = a_r·bᵢ with both products exact (each the pair of its rounded value and the
    /// rounding error, by fused multiply-add), r the first sample with bᵢ ≠ 0.
    var residualsVanish: Bool {
        var reference: (a: Double, b: Double)?
        var underflowed = false
        for i in losses.indices {
            let (a, b) = self(i)
            if a == 0 && b == 0 {
                // A sample that counts but scaled to 0 beside the heaviest: its residual is
                // known only when every difference is 0 (m = 0).
                if counts(i) && losses[i] != 0 { return false }
                underflowed = underflowed || counts(i)
                continue
            }
            if b == 0 { return false }  // a ≠ 0 over b = 0 leaves a residual whatever m
            guard let r = reference else {
                reference = (a, b)
                continue
            }
            let left = a * r.b
            let right = r.a * b
            if left != right { return false }
            if (-left).addingProduct(a, r.b) != (-right).addingProduct(r.a, b) { return false }
        }
        return !underflowed || (reference?.a ?? 0) == 0
    }
}
