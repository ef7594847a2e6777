import CrossEntropy

/// Checks a decoded request against the rules of its loss and builds the core library's
/// input, or throws a 422 listing what is wrong, each with a JSON pointer.
struct RequestValidator {
    /// Prepended to every pointer: "" for a body, "/jobs/3" for a batch job.
    let pointerPrefix: String
    let context: ScoringRequest.Context
    var limits: ScoringLimits = .default

    func validate(_ request: ScoringRequest, as kind: LossKind) throws(Problem) -> ScoringJob {
        var problems = ValidationProblems()
        problems.add(request.unknownFields, known: ScoringField.known(in: context)) { pointer($0) }
        let convention = self.convention(request.convention, &problems) ?? .document
        // PyTorch's categorical loss takes logits, so they are that convention's default.
        let defaultKind: PredictionKind = convention == .pytorch && kind == .cce ? .logits : .probabilities
        let predictionKind = self.predictionKind(request.input, default: defaultKind, &problems)
        let base = self.base(request.base, default: convention.defaultBase, &problems)
        if request.predictions == nil { problems.add(pointer("predictions"), "missing required field 'predictions'") }
        if request.labels == nil { problems.add(pointer("labels"), "missing required field 'labels'") }
        try problems.check()
        guard let predictions = request.predictions, let labels = request.labels,
            let predictionKind, let base
        else { throw Problem.validation(problems.details) }

        let rules = ConventionRules(convention: convention, kind: kind) { pointer($0) }
        rules.checkOptions(request, predictionKind: predictionKind, &problems)
        try problems.check()

        let minimumClasses = kind == .cce ? 2 : 1
        let matrix = self.predictions(predictions, minimumClasses: minimumClasses, loss: kind, &problems)
        if kind == .bce && problems.isEmpty { rules.checkBinaryShape(classes: matrix.columns, &problems) }
        try problems.check()
        try checkLimits(matrix)

        let options = try self.options(
            request, kind: kind, convention: convention, predictionKind: predictionKind, base: base, matrix: matrix)
        let perSample = request.perSample ?? true
        switch kind {
        case .cce:
            if predictionKind == .probabilities {
                // Keras divides each row by its sum, so any row with a positive sum will do.
                let rule: RowRule = convention == .keras ? .positiveSum : .sumToOne
                checkProbabilities(matrix, field: "predictions", rows: rule, &problems)
            }
            let categorical = categoricalLabels(labels, rows: matrix.rows, classes: matrix.columns, &problems)
            try problems.check()
            guard let categorical else { throw Problem.validation(problems.details) }
            rules.checkLabels(categorical, &problems)
            checkClassWeightsInUse(categorical, options: options, &problems)
            try problems.check()
            return .categorical(predictions: matrix, labels: categorical, options: options, perSample: perSample)
        case .bce:
            if predictionKind == .probabilities {
                checkProbabilities(matrix, field: "predictions", rows: .free, &problems)
            }
            let targets = binaryTargets(labels, rows: matrix.rows, classes: matrix.columns, &problems)
            try problems.check()
            guard let targets else { throw Problem.validation(problems.details) }
            rules.checkBinaryTargets(targets, &problems)
            try problems.check()
            return .binary(predictions: matrix, targets: targets, options: options, perSample: perSample)
        }
    }

    // MARK: - Weights, smoothing, clipping

    private func options(
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
                    pointer("label_smoothing"), "label_smoothing must be in [0, 1); got \(smoothing.shortDescription)")
            }
        }
        if let epsilon = request.epsilon {
            if predictionKind == .logits {
                problems.add(pointer("epsilon"), "epsilon clips probabilities; logits are never clipped")
            } else if epsilon > 0 && epsilon < 0.5 && 1 - epsilon < 1 {
                options.clipping = Clipping(epsilon: epsilon)
            } else if epsilon > 0 && epsilon < 0.5 {
                problems.add(
                    pointer("epsilon"),
                    "epsilon must be above 2^-54 (5.55e-17): below it 1 - epsilon rounds to 1 in float64 and the upper clip does nothing; got \(epsilon.shortDescription)"
                )
            } else {
                problems.add(pointer("epsilon"), "epsilon must be in (0, 0.5); got \(epsilon.shortDescription)")
            }
        }
        if let weights = request.sampleWeights {
            if checkWeights(weights, field: "sample_weights", count: matrix.rows, what: "samples", &problems) {
                if weights.allSatisfy({ $0 == 0 }) {
                    problems.add(pointer("sample_weights"), "sample_weights are all 0; at least one must be positive")
                } else {
                    options.sampleWeights = weights
                }
            }
        }
        let (field, other) = kind == .cce ? ("class_weights", "pos_weight") : ("pos_weight", "class_weights")
        let misplaced = kind == .cce ? request.positiveWeights : request.classWeights
        if misplaced != nil {
            problems.add(
                pointer(other), "\(other) is for /\(kind == .cce ? "bce" : "cce"); /\(kind.rawValue) takes \(field)")
        }
        if let weights = kind == .cce ? request.classWeights : request.positiveWeights,
            checkWeights(weights, field: field, count: matrix.columns, what: "classes", &problems)
        {
            options.classWeights = weights
        }
        try problems.check()
        return options
    }

    /// Class weights that are 0 on every labelled class make every loss 0 whatever the prediction
    /// (and PyTorch's weighted mean divide by 0): Σ_i s_i Σ_j y_ij w_j must not be 0, as sample
    /// weights must not all be 0. Tested term by term, so tiny weights cannot round it to 0.
    private func checkClassWeightsInUse(
        _ labels: CategoricalLabels, options: LossOptions, _ problems: inout ValidationProblems
    ) {
        guard let weights = options.classWeights else { return }
        let sampleWeight = { (i: Int) in options.sampleWeights?[i] ?? 1 }
        let inUse: Bool
        if options.labelSmoothing > 0 {
            inUse = weights.contains { $0 != 0 }  // smoothing gives every class a positive target
        } else {
            switch labels {
            case .indices(let indices):
                inUse = indices.indices.contains { sampleWeight($0) != 0 && weights[indices[$0]] != 0 }
            case .distributions(let targets):
                inUse = (0..<targets.rows).contains { i in
                    sampleWeight(i) != 0 && (0..<targets.columns).contains { targets[i, $0] != 0 && weights[$0] != 0 }
                }
            }
        }
        if !inUse {
            problems.add(
                pointer("class_weights"),
                "the labelled classes' class_weights are all 0 (sum of s_i * w_y_i is 0): every loss would be 0 whatever the prediction"
            )
        }
    }

    /// n or C values, each ≥ 0.
    private func checkWeights(
        _ weights: [Double],
        field: String,
        count: Int,
        what: String,
        _ problems: inout ValidationProblems
    ) -> Bool {
        guard weights.count == count else {
            problems.add(pointer(field), "\(weights.count) \(field) for \(count) \(what)")
            return false
        }
        var valid = true
        for (i, weight) in weights.enumerated() where weight < 0 {
            problems.add(pointer(field, i), "\(weight.shortDescription) is negative; weights must be ≥ 0")
            valid = false
        }
        return valid
    }

    // MARK: - Limits

    private func checkLimits(_ matrix: Matrix) throws(Problem) {
        let at = pointer("predictions")
        if matrix.rows > limits.maxSamples {
            throw .limit(
                at, "the number of samples", actual: matrix.rows, limit: limits.maxSamples, flag: "--max-samples")
        }
        if matrix.columns > limits.maxClasses {
            throw .limit(
                at, "the number of classes", actual: matrix.columns, limit: limits.maxClasses, flag: "--max-classes")
        }
        if matrix.values.count > limits.maxElements {
            throw .limit(
                at,
                "the number of prediction values",
                actual: matrix.values.count,
                limit: limits.maxElements,
                flag: "--max-elements"
            )
        }
    }

    // MARK: - Options

    private func convention(_ name: String?, _ problems: inout ValidationProblems) -> Convention? {
        guard let name else { return .document }
        if let convention = Convention(rawValue: name) { return convention }
        let names = Convention.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        problems.add(pointer("convention"), "unknown convention '\(ClientText.cut(name))'; expected one of \(names)")
        return nil
    }

    private func predictionKind(
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
                pointer("input"), "unknown input '\(ClientText.cut(other))'; expected 'probabilities' or 'logits'")
            return nil
        }
    }

    private func base(_ base: BaseField?, default defaultBase: LogBase, _ problems: inout ValidationProblems)
        -> LogBase?
    {
        switch base {
        case nil: return defaultBase
        case .number(2): return .two
        case .number(10): return .ten
        case .name("e"): return .e
        case .number(let other)?:
            problems.add(pointer("base"), "unknown base \(other.shortDescription); expected 2, \"e\" or 10")
        case .name(let other)?:
            problems.add(pointer("base"), "unknown base \"\(ClientText.cut(other))\"; expected 2, \"e\" or 10")
        }
        return nil
    }

    // MARK: - Shapes and values

    private func predictions(
        _ decoded: NumberMatrix,
        minimumClasses: Int,
        loss: LossKind,
        _ problems: inout ValidationProblems
    ) -> Matrix {
        if let problem = decoded.shapeProblem {
            problems.add(problem.under(pointer("predictions")))
        } else if decoded.rows == 0 {
            problems.add(pointer("predictions"), "at least one sample is required")
        } else if decoded.columns < minimumClasses {
            let name = loss == .cce ? "categorical" : "binary"
            problems.add(
                pointer("predictions", 0),
                "\(name) cross-entropy needs at least \(minimumClasses) classes per row; got \(decoded.columns)"
            )
        }
        guard problems.isEmpty else { return Matrix(rows: 0, columns: 0, values: []) }
        return Matrix(rows: decoded.rows, columns: decoded.columns, values: decoded.values)
    }

    /// Values in [0, 1]; for categorical rows, a sum of 1 within `RowSumTolerance`.
    /// A quick pass over all values (on all cores for large matrices) finds whether anything is
    /// wrong; only then are the offending values located and described.
    private func checkProbabilities(
        _ matrix: Matrix,
        field: String,
        rows rule: RowRule,
        _ problems: inout ValidationProblems
    ) {
        let tolerance = RowSumTolerance.forClasses(matrix.columns)
        let columns = matrix.columns
        let chunks = RowChunks.count(rows: matrix.rows)
        var firstBadRow = [Int](repeating: Int.max, count: chunks)
        matrix.values.withUnsafeBufferPointer { values in
            firstBadRow.withUnsafeMutableBufferPointer { found in
                nonisolated(unsafe) let found = found
                RowChunks.forEach(rows: matrix.rows, columns: columns) { chunk, rows in
                    for i in rows {
                        let row = UnsafeBufferPointer(rebasing: values[i * columns..<(i + 1) * columns])
                        if !Self.rowIsValid(row, rule: rule, tolerance: tolerance) {
                            found[chunk] = i
                            return
                        }
                    }
                }
            }
        }
        guard let start = firstBadRow.min(), start != Int.max else { return }
        for i in start..<matrix.rows where !problems.isFull {
            var inRange = true
            var sum = CompensatedSum()
            for j in 0..<columns {
                let p = matrix[i, j]
                if !(0...1).contains(p) {
                    inRange = false
                    problems.add(pointer(field, i, j), "\(p.shortDescription) is outside [0, 1]")
                }
                sum.add(p)
            }
            if rule == .sumToOne && inRange && abs(sum.value - 1) > tolerance {
                problems.add(
                    pointer(field, i),
                    "row sums to \(sum.value.shortDescription), not 1 (tolerance \(tolerance.shortDescription))"
                )
            }
            if rule == .positiveSum && inRange && sum.value == 0 {
                problems.add(pointer(field, i), "row sums to 0; Keras divides each row by its sum")
            }
        }
    }

    private static func rowIsValid(_ row: UnsafeBufferPointer<Double>, rule: RowRule, tolerance: Double) -> Bool {
        var sum = CompensatedSum()
        for p in row {
            guard p >= 0 && p <= 1 else { return false }
            sum.add(p)
        }
        switch rule {
        case .free: return true
        case .sumToOne: return abs(sum.value - 1) <= tolerance
        case .positiveSum: return sum.value > 0
        }
    }

    private func categoricalLabels(
        _ labels: LabelsField,
        rows: Int,
        classes: Int,
        _ problems: inout ValidationProblems
    ) -> CategoricalLabels? {
        switch labels {
        case .invalid(let problem):
            problems.add(problem.under(pointer("labels")))
            return nil
        case .flat(let values):
            guard checkCount(values.count, rows: rows, &problems) else { return nil }
            var indices = [Int](repeating: 0, count: values.count)
            for (i, value) in values.enumerated() where !problems.isFull {
                if value.rounded(.towardZero) != value {
                    problems.add(pointer("labels", i), "\(value.shortDescription) is not an integer class index")
                } else if value < 0 || value >= Double(classes) {
                    problems.add(
                        pointer("labels", i),
                        "class index \(value.shortDescription) is out of range [0, \(classes))"
                    )
                } else {
                    indices[i] = Int(value)
                }
            }
            return problems.isEmpty ? .indices(indices) : nil
        case .rows(let decoded):
            guard let matrix = labelMatrix(decoded, rows: rows, classes: classes, &problems) else { return nil }
            checkProbabilities(matrix, field: "labels", rows: .sumToOne, &problems)
            return problems.isEmpty ? .distributions(matrix) : nil
        }
    }

    private func binaryTargets(
        _ labels: LabelsField,
        rows: Int,
        classes: Int,
        _ problems: inout ValidationProblems
    ) -> Matrix? {
        let matrix: Matrix
        switch labels {
        case .invalid(let problem):
            problems.add(problem.under(pointer("labels")))
            return nil
        case .flat(let values) where classes == 1:
            // One target per sample is unambiguous when there is one class.
            guard checkCount(values.count, rows: rows, &problems) else { return nil }
            matrix = Matrix(rows: rows, columns: 1, values: values)
        case .flat:
            problems.add(pointer("labels"), "binary cross-entropy labels are rows of \(classes) values in [0, 1]")
            return nil
        case .rows(let decoded):
            guard let rowsMatrix = labelMatrix(decoded, rows: rows, classes: classes, &problems) else { return nil }
            matrix = rowsMatrix
        }
        checkProbabilities(matrix, field: "labels", rows: .free, &problems)
        return problems.isEmpty ? matrix : nil
    }

    private func labelMatrix(
        _ decoded: NumberMatrix,
        rows: Int,
        classes: Int,
        _ problems: inout ValidationProblems
    ) -> Matrix? {
        if let problem = decoded.shapeProblem {
            problems.add(problem.under(pointer("labels")))
            return nil
        }
        guard checkCount(decoded.rows, rows: rows, &problems) else { return nil }
        if decoded.columns != classes {
            problems.add(
                pointer("labels", 0), "label rows have \(decoded.columns) values but predictions have \(classes)")
            return nil
        }
        return Matrix(rows: decoded.rows, columns: decoded.columns, values: decoded.values)
    }

    private func checkCount(_ count: Int, rows: Int, _ problems: inout ValidationProblems) -> Bool {
        guard count == rows else {
            problems.add(pointer("labels"), "\(count) labels for \(rows) prediction rows")
            return false
        }
        return true
    }

    // MARK: - Pointers

    private func pointer(_ field: String, _ indices: Int...) -> String {
        var result = pointerPrefix + "/" + JSONPointer.escape(field)
        for index in indices { result += "/\(index)" }
        return result
    }
}

/// What a row of probabilities must add up to.
enum RowRule {
    case free
    case sumToOne
    case positiveSum
}

extension Double {
    /// The shortest text that reads back as the same Double ("0.95", "1e-07").
    var shortDescription: String { description }
}
