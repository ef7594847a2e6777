/// The `labels` member: a flat array (class indices, or one target per sample when C = 1),
/// an array of rows (one-hot, multi-hot or soft targets), or a tensor object of shape [n] or
/// [n, C].
enum LabelsField: Decodable, Sendable {
    case flat([Double])
    case rows(NumberMatrix)
    /// A tensor object that breaks a rule (422).
    case invalid(Problem.Detail)

    init(from decoder: any Decoder) throws {
        guard let outer = try? decoder.unkeyedContainer() else {
            self = try Self.tensor(from: decoder)
            return
        }
        // Index labels (the common case) probe without throwing: a first element that is a
        // number (even one out of range, reported from FlatNumbers) means a flat array;
        // anything else is decoded as rows (and reported from there).
        if !outer.isAtEnd, !outer.nextIsNumber() {
            self = .rows(try NumberMatrix(from: decoder))
            return
        }
        self = .flat(try FlatNumbers(from: decoder).values)
    }

    private static func tensor(from decoder: any Decoder) throws -> LabelsField {
        switch try Tensor.decode(try decoder.object()) {
        case .failure(let problem):
            return .invalid(problem)
        case .success(let tensor) where tensor.shape.count == 1:
            return .flat(tensor.values)
        case .success(let tensor):
            return .rows(NumberMatrix(rows: tensor.shape[0], columns: tensor.shape[1], values: tensor.values))
        }
    }
}
