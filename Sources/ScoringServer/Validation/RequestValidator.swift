import CrossEntropy

/// Checks a decoded request against the rules of its loss and builds the core library's
/// input, or throws a 422 listing what is wrong, each with a JSON pointer. The checks
/// themselves live in `OptionsValidator`, `ShapeValidator`, `ProbabilityScan` and
/// `ConventionRules`; this is their order.
struct RequestValidator {
    /// Prepended to every pointer: "" for a body, "/jobs/3" for a batch job.
    let pointerPrefix: String
    let context: ScoringRequest.Context
    var limits: ScoringLimits = .default
    /// False for one piece of a larger set (a JSON Lines line): the rules about the whole set
    /// (some sample left after `ignore_index`, some sample weight positive, some labelled
    /// class weight not 0) are then left to whoever holds the set (`StreamScorer` checks them
    /// at the stream's end), since a piece of weights of 0 is fine when other pieces weigh.
    var wholeSet = true

    func validate(_ request: ScoringRequest, as kind: LossKind) throws(Problem) -> ScoringJob {
        var pointer = FieldPointer(prefix: pointerPrefix)
        if request.predictions?.flatForm != nil { pointer.flatFields.append(.predictions) }
        if case .flat = request.labels { pointer.flatFields.append(.labels) }
        var problems = ValidationProblems()
        problems.add(request.unknownFields, known: ScoringField.known(in: context), in: pointerPrefix)
        let optionsValidator = OptionsValidator(pointer: pointer, wholeSet: wholeSet)
        let shapes = ShapeValidator(pointer: pointer, limits: limits)
        let scan = ProbabilityScan(pointer: pointer)
        let convention = optionsValidator.convention(request.convention, &problems) ?? .document
        // PyTorch's categorical loss takes logits, so they are that convention's default.
        let defaultKind: PredictionKind = convention == .pytorch && kind == .cce ? .logits : .probabilities
        let predictionKind = optionsValidator.predictionKind(request.input, default: defaultKind, &problems)
        let base = optionsValidator.base(request.base, default: convention.defaultBase, &problems)
        if request.predictions == nil { problems.add(pointer(.predictions), "missing required field 'predictions'") }
        if request.labels == nil { problems.add(pointer(.labels), "missing required field 'labels'") }
        try problems.check()
        guard let predictions = request.predictions, let labels = request.labels,
            let predictionKind, let base
        else { throw Problem.validation(problems.details) }

        let rules = ConventionRules(convention: convention, kind: kind, pointer: pointer)
        rules.checkOptions(request, predictionKind: predictionKind, &problems)
        try problems.check()

        let minimumClasses = kind == .cce ? 2 : 1
        let matrix = shapes.predictions(predictions, minimumClasses: minimumClasses, loss: kind, &problems)
        if kind == .bce && problems.isEmpty { rules.checkBinaryShape(classes: matrix.columns, &problems) }
        try problems.check()
        try shapes.checkLimits(matrix)

        let options = try optionsValidator.lossOptions(
            request, kind: kind, convention: convention, predictionKind: predictionKind, base: base, matrix: matrix)
        var answer = try optionsValidator.answerOptions(request, kind: kind)
        let ignoreIndex = optionsValidator.ignoreIndex(request, kind: kind, convention: convention, &problems)
        try problems.check()
        switch kind {
        case .cce:
            if predictionKind == .probabilities {
                // Keras divides each row by its sum, so any row with a positive sum will do.
                let rule: RowRule = convention == .keras ? .positiveSum : .sumToOne
                scan.check(matrix, field: .predictions, rows: rule, &problems)
            }
            let read = shapes.categoricalLabels(
                labels, rows: matrix.rows, classes: matrix.columns, ignoreIndex: ignoreIndex, &problems)
            try problems.check()
            guard let read else { throw Problem.validation(problems.details) }
            rules.checkLabels(read, &problems)
            var (matrix, categorical, options) = (matrix, read, options)
            if case .indices(let indices) = read, let ignoreIndex {
                answer.ignoreIndex = ignoreIndex
                if let ignored = IgnoredSamples(labels: indices, ignoreIndex: ignoreIndex) {
                    if wholeSet { try checkKept(ignored, ignoreIndex: ignoreIndex, options: options, pointer: pointer) }
                    answer.ignored = ignored
                    matrix = ignored.kept(matrix)
                    categorical = .indices(ignored.kept(indices))
                    options.sampleWeights = options.sampleWeights.map(ignored.kept)
                }
            } else if request.ignoreIndex != nil {
                problems.add(
                    pointer(.ignoreIndex),
                    "ignore_index applies to class-index labels; these labels are rows (PyTorch ignores it for them)")
            }
            if wholeSet, !OptionsValidator.classWeightsInUse(categorical, options: options) {
                problems.add(pointer(.classWeights), OptionsValidator.classWeightsUnused)
            }
            if answer.perClass && !categorical.isIndices {
                problems.add(
                    pointer(.perClass), "per_class needs class-index labels (the true class of each sample)")
            }
            try problems.check()
            return .categorical(predictions: matrix, labels: categorical, options: options, answer: answer)
        case .bce:
            if predictionKind == .probabilities {
                scan.check(matrix, field: .predictions, rows: .free, &problems)
            }
            let targets = shapes.binaryTargets(labels, rows: matrix.rows, classes: matrix.columns, &problems)
            try problems.check()
            guard let targets else { throw Problem.validation(problems.details) }
            rules.checkBinaryTargets(targets, &problems)
            try problems.check()
            return .binary(predictions: matrix, targets: targets, options: options, answer: answer)
        }
    }

    /// Some sample must be left with a positive weight once the ignored ones are out: PyTorch's
    /// mean over no sample is NaN.
    private func checkKept(
        _ ignored: IgnoredSamples, ignoreIndex: Int, options: LossOptions, pointer: FieldPointer
    ) throws(Problem) {
        var problems = ValidationProblems()
        if ignored.keptCount == 0 {
            problems.add(
                pointer(.labels),
                "every label is ignore_index (\(ignoreIndex)): no sample is left to score (PyTorch's mean is NaN)")
        } else if let weights = options.sampleWeights, ignored.kept(weights).allSatisfy({ $0 == 0 }) {
            problems.add(
                pointer(.sampleWeights),
                "the sample_weights of the samples not ignored (label \(ignoreIndex)) are all 0; at least one must be positive"
            )
        }
        try problems.check()
    }
}

extension Double {
    /// The shortest text that reads back as the same Double ("0.95", "1e-07", "3"). From 2^53 on,
    /// float64 skips integers, so the value read may not be the number sent
    /// (9007199254740993 is read as 9007199254740992): the text says so.
    var shortDescription: String {
        // A whole number as it was most likely sent ("3", not "3.0": labels and counts are integers).
        if isFinite && magnitude < 0x1p53 && rounded() == self { return Int(self).description }
        guard isFinite && magnitude >= 0x1p53 else { return description }
        return "\(description) (as read: float64 cannot represent every integer beyond 2^53 exactly)"
    }
}
