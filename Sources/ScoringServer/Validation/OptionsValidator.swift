import CrossEntropy

/// Checks a request's options (convention, input, base, weights, smoothing, clipping) and
/// yields the core library's `LossOptions`, or the problems found, each at its field.
struct OptionsValidator {
    let pointer: FieldPointer
    /// False for one piece of a set: "not all sample weights 0" is the set's rule
    /// (`RequestValidator.wholeSet`).
    var wholeSet = true

    // MARK: - Option names

    func convention(_ name: String?, _ problems: inout ValidationProblems) -> Convention? {
        guard let name else { return .document }
        if let convention = Convention(rawValue: name) { return convention }
        let names = Convention.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        problems.add(pointer(.convention), "unknown convention '\(ClientText.cut(name))'; expected one of \(names)")
        return nil
    }

    func predictionKind(
        _ input: String?,
        default defaultKind: PredictionKind,
        _ problems: inout ValidationProblems
    ) -> PredictionKind? {
        switch input {
        case nil: return defaultKind
        case "probabilities": return .probabilities
        case "logits": return .logits
        case let other?:
            problems.add(
                pointer(.input), "unknown input '\(ClientText.cut(other))'; expected 'probabilities' or 'logits'")
            return nil
        }
    }

    func base(_ base: BaseField?, default defaultBase: LogBase, _ problems: inout ValidationProblems)
        -> LogBase?
    {
        switch base {
        case nil: return defaultBase
        case .number(2): return .two
        case .number(10): return .ten
        case .name("e"): return .e
        case .number(let other)?:
            problems.add(pointer(.base), "unknown base \(other.shortDescription); expected 2, \"e\" or 10")
        case .name(let other)?:
            problems.add(pointer(.base), "unknown base \"\(ClientText.cut(other))\"; expected 2, \"e\" or 10")
        }
        return nil
    }

    // MARK: - What the answer carries

    /// `per_sample`, `per_class` and `confidence`: per-class losses exist for /cce (over class
    /// indices: checked with the labels), and a confidence lies strictly between 0 and 1.
    func answerOptions(_ request: ScoringRequest, kind: LossKind) throws(Problem) -> AnswerOptions {
        var problems = ValidationProblems()
        var answer = AnswerOptions()
        answer.perSample = request.perSample ?? true
        if request.perClass == true {
            if kind == .bce {
                problems.add(
                    pointer(.perClass),
                    "per_class is for /cce with class-index labels; /bce answers with class_losses")
            } else {
                answer.perClass = true
            }
        }
        if let model = request.model {
            if let flaw = ModelName.flaw(model) {
                problems.add(pointer(.model), "model '\(ClientText.cut(model))' \(flaw)")
            } else {
                answer.model = model
            }
        }
        if let confidence = request.confidence {
            if confidence > 0 && confidence < 1 {
                answer.confidence = confidence
            } else {
                problems.add(pointer(.confidence), "confidence must be in (0, 1); got \(confidence.shortDescription)")
            }
        }
        try problems.check()
        return answer
    }

    /// The `ignore_index` that applies: the request's (an integer, for /cce), else PyTorch's
    /// default -100 under `convention: pytorch` on /cce; nil where none does. Whether the
    /// convention's library has one is `ConventionRules`' to say; whether the labels are
    /// class indices is checked with them.
    func ignoreIndex(
        _ request: ScoringRequest, kind: LossKind, convention: Convention, _ problems: inout ValidationProblems
    )
        -> Int?
    {
        guard let value = request.ignoreIndex else {
            return convention == .pytorch && kind == .cce ? IgnoredSamples.pytorchDefault : nil
        }
        if kind == .bce {
            problems.add(
                pointer(.ignoreIndex),
                "ignore_index is for /cce with class-index labels; binary cross-entropy has none (PyTorch's neither)")
            return nil
        }
        // Within ±2^53 every integer is exact in float64 and fits an Int.
        guard value.rounded(.towardZero) == value, value.magnitude <= 0x1p53 else {
            problems.add(
                pointer(.ignoreIndex),
                "ignore_index must be an integer from -2^53 to 2^53 (9007199254740992, where float64 holds every integer); got \(value.shortDescription)"
            )
            return nil
        }
        return Int(value)
    }

    // MARK: - Weights, smoothing, clipping

    func lossOptions(
        _ request: ScoringRequest,
        kind: LossKind,
        convention: Convention,
        predictionKind: PredictionKind,
        base: LogBase,
        matrix: Matrix
    ) throws(Problem) -> LossOptions {
        var problems = ValidationProblems()
        var options = LossOptions(convention: convention, predictionKind: predictionKind)
        options.base = base
        if let smoothing = request.labelSmoothing {
            if (0..<1).contains(smoothing) {
                options.labelSmoothing = smoothing
            } else {
                problems.add(
                    pointer(.labelSmoothing), "label_smoothing must be in [0, 1); got \(smoothing.shortDescription)")
            }
        }
        if let epsilon = request.epsilon {
            if predictionKind == .logits {
                problems.add(pointer(.epsilon), "epsilon clips probabilities; logits are never clipped")
            } else if epsilon > 0 && epsilon < 0.5 && 1 - epsilon < 1 {
                options.clipping = Clipping(epsilon: epsilon)
            } else if epsilon > 0 && epsilon < 0.5 {
                problems.add(
                    pointer(.epsilon),
                    "epsilon must be above 2^-54 (5.55e-17): below it 1 - epsilon rounds to 1 in float64 and the upper clip does nothing; got \(epsilon.shortDescription)"
                )
            } else {
                problems.add(pointer(.epsilon), "epsilon must be in (0, 0.5); got \(epsilon.shortDescription)")
            }
        }
        if let weights = request.sampleWeights {
            if checkWeights(weights, field: .sampleWeights, count: matrix.rows, what: "samples", &problems) {
                if wholeSet && weights.allSatisfy({ $0 == 0 }) {
                    problems.add(pointer(.sampleWeights), Self.sampleWeightsAllZero)
                } else {
                    options.sampleWeights = weights
                }
            }
        }
        let field = ScoringField.classWeightField(of: kind)
        let other: ScoringField = field == .classWeights ? .positiveWeights : .classWeights
        if request.weights(other) != nil {
            problems.add(
                pointer(other),
                "\(other.rawValue) is for /\(kind == .cce ? "bce" : "cce"); /\(kind.rawValue) takes \(field.rawValue)")
        }
        if let weights = request.weights(field),
            checkWeights(weights, field: field, count: matrix.columns, what: "classes", &problems)
        {
            switch kind {
            case .cce: options.classWeights = weights
            case .bce: options.positiveWeights = weights
            }
        }
        try problems.check()
        return options
    }

    /// Class weights that are 0 on every labelled class make every loss 0 whatever the prediction
    /// (and PyTorch's weighted mean divide by 0): Σ_i s_i Σ_j y_ij w_j must not be 0, as sample
    /// weights must not all be 0. Tested term by term, so tiny weights cannot round it to 0.
    /// The detail of sample weights that are all 0.
    static let sampleWeightsAllZero = "sample_weights are all 0; at least one must be positive"

    /// The detail of class weights that are 0 for every labelled class.
    static let classWeightsUnused =
        "the labelled classes' class_weights are all 0 (sum of s_i * w_y_i is 0): every loss would be 0 whatever the prediction"

    /// Whether some labelled class's weight counts (for a sample of positive weight): else every
    /// loss is 0 whatever the prediction. True without class weights.
    static func classWeightsInUse(_ labels: CategoricalLabels, options: LossOptions) -> Bool {
        guard let weights = options.classWeights else { return true }
        let sampleWeight = { (i: Int) in options.sampleWeights?[i] ?? 1 }
        if options.labelSmoothing > 0 {
            return weights.contains { $0 != 0 }  // smoothing gives every class a positive target
        }
        switch labels {
        case .indices(let indices):
            return indices.indices.contains { sampleWeight($0) != 0 && weights[indices[$0]] != 0 }
        case .distributions(let targets):
            return (0..<targets.rows).contains { i in
                sampleWeight(i) != 0 && (0..<targets.columns).contains { targets[i, $0] != 0 && weights[$0] != 0 }
            }
        }
    }

    /// n or C values, each ≥ 0.
    private func checkWeights(
        _ weights: [Double],
        field: ScoringField,
        count: Int,
        what: String,
        _ problems: inout ValidationProblems
    ) -> Bool {
        guard weights.count == count else {
            problems.add(pointer(field), "\(weights.count) \(field.rawValue) for \(count) \(what)")
            return false
        }
        var valid = true
        for (i, weight) in weights.enumerated() where weight < 0 {
            problems.add(pointer(field, i), "\(weight.shortDescription) is negative; weights must be 0 or more")
            valid = false
        }
        return valid
    }
}
