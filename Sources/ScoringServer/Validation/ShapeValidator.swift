import CrossEntropy

/// Checks the shapes of a request's matrices against each other and against the structural
/// limits, and turns labels into the core library's categorical labels or binary targets.
struct ShapeValidator {
    let pointer: FieldPointer
    let limits: ScoringLimits

    private var scan: ProbabilityScan { ProbabilityScan(pointer: pointer) }

    func predictions(
        _ decoded: NumberMatrix,
        minimumClasses: Int,
        loss: LossKind,
        _ problems: inout ValidationProblems
    ) -> Matrix {
        if let problem = decoded.shapeProblem {
            problems.add(problem.under(pointer(.predictions)))
        } else if loss == .cce, let flat = decoded.flatForm {
            // One column is a binary classifier's output: /bce's form, never a categorical one.
            problems.add(
                Problem.Detail(
                    pointer: flat,
                    detail: flat.isEmpty
                        ? "categorical predictions are rows of C >= 2 values; a flat list (one value per sample) is taken by /bce only"
                        : "a matrix needs shape [n, C]; shape [n] (one value per sample) is taken by /bce only"
                ).under(pointer(.predictions)))
        } else if decoded.rows == 0 {
            problems.add(pointer(.predictions), "at least one sample is required")
        } else if decoded.columns < minimumClasses {
            let name = loss == .cce ? "categorical" : "binary"
            problems.add(
                pointer(.predictions, 0),
                "\(name) cross-entropy needs at least \(minimumClasses) classes per row; got \(decoded.columns)"
            )
        }
        guard problems.isEmpty else { return Matrix(rows: 0, columns: 0, values: []) }
        return Matrix(rows: decoded.rows, columns: decoded.columns, values: decoded.values)
    }

    // MARK: - Limits

    func checkLimits(_ matrix: Matrix) throws(Problem) {
        var at: String { pointer(.predictions) }  // made only for an answer: this runs per request
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

    // MARK: - Labels

    /// Class indices or rows; an index equal to `ignoreIndex` is kept as it is (whatever its
    /// range) for `IgnoredSamples` to find.
    func categoricalLabels(
        _ labels: LabelsField,
        rows: Int,
        classes: Int,
        ignoreIndex: Int? = nil,
        _ problems: inout ValidationProblems
    ) -> CategoricalLabels? {
        switch labels {
        case .invalid(let problem):
            problems.add(problem.under(pointer(.labels)))
            return nil
        case .flat(let values):
            guard checkCount(values.count, rows: rows, &problems) else { return nil }
            var indices = [Int](repeating: 0, count: values.count)
            // Exact: ignoreIndex is within ±2^53 (`OptionsValidator.ignoreIndex`).
            let ignored = ignoreIndex.map(Double.init)
            for (i, value) in values.enumerated() where !problems.isFull {
                if value == ignored, let ignoreIndex {
                    indices[i] = ignoreIndex
                } else if value.rounded(.towardZero) != value {
                    problems.add(pointer(.labels, i), "\(value.shortDescription) is not an integer class index")
                } else if value < 0 || value >= Double(classes) {
                    problems.add(
                        pointer(.labels, i),
                        "class index \(value.shortDescription) is out of range [0, \(classes))"
                    )
                } else {
                    indices[i] = Int(value)
                }
            }
            return problems.isEmpty ? .indices(indices) : nil
        case .rows(let decoded):
            guard let matrix = labelMatrix(decoded, rows: rows, classes: classes, &problems) else { return nil }
            scan.check(matrix, field: .labels, rows: .sumToOne, &problems)
            return problems.isEmpty ? .distributions(matrix) : nil
        }
    }

    func binaryTargets(
        _ labels: LabelsField,
        rows: Int,
        classes: Int,
        _ problems: inout ValidationProblems
    ) -> Matrix? {
        let matrix: Matrix
        switch labels {
        case .invalid(let problem):
            problems.add(problem.under(pointer(.labels)))
            return nil
        case .flat(let values) where classes == 1:
            // One target per sample is unambiguous when there is one class.
            guard checkCount(values.count, rows: rows, &problems) else { return nil }
            matrix = Matrix(rows: rows, columns: 1, values: values)
        case .flat:
            problems.add(pointer(.labels), "binary cross-entropy labels are rows of \(classes) values in [0, 1]")
            return nil
        case .rows(let decoded):
            guard let rowsMatrix = labelMatrix(decoded, rows: rows, classes: classes, &problems) else { return nil }
            matrix = rowsMatrix
        }
        scan.check(matrix, field: .labels, rows: .free, &problems)
        return problems.isEmpty ? matrix : nil
    }

    private func labelMatrix(
        _ decoded: NumberMatrix,
        rows: Int,
        classes: Int,
        _ problems: inout ValidationProblems
    ) -> Matrix? {
        if let problem = decoded.shapeProblem {
            problems.add(problem.under(pointer(.labels)))
            return nil
        }
        guard checkCount(decoded.rows, rows: rows, &problems) else { return nil }
        if decoded.columns != classes {
            problems.add(
                pointer(.labels, 0), "label rows have \(decoded.columns) values but predictions have \(classes)")
            return nil
        }
        return Matrix(rows: decoded.rows, columns: decoded.columns, values: decoded.values)
    }

    private func checkCount(_ count: Int, rows: Int, _ problems: inout ValidationProblems) -> Bool {
        guard count == rows else {
            problems.add(pointer(.labels), "\(count) labels for \(rows) prediction rows")
            return false
        }
        return true
    }
}
