/// A matrix of numbers from JSON, in one flat row-major buffer: either an array of rows, or a
/// tensor object (see `Tensor`).
///
/// JSONDecoder's cost is per container and per value, so rows are not decoded as `[[Double]]`
/// (one array per row): values go straight into one buffer reserved from the container counts,
/// never beyond what the body can hold (`BodyCapacity`).
/// Shape problems (ragged rows, a bad tensor) are recorded, not thrown, so validation can answer
/// 422 with a pointer.
///
/// A flat list of numbers, or a tensor of shape [n], is read as one column (n × 1): what a
/// binary classifier's `predict_proba(X)[:, 1]` gives. Only /bce takes it; validation says so
/// elsewhere.
struct NumberMatrix: Decodable, Sendable {
    private(set) var rows = 0
    private(set) var columns = 0
    private(set) var values: [Double] = []
    /// What is wrong with the shape, if anything, with the pointer below the field's own.
    private(set) var shapeProblem: Problem.Detail?
    /// Where a one-column matrix was given flat, below the field's own pointer ("" for a list,
    /// "/shape" for a tensor of shape [n]); nil for rows.
    private(set) var flatForm: String?

    init(rows: Int, columns: Int, values: [Double]) {
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    init(from decoder: any Decoder) throws {
        if var outer = try? decoder.unkeyedContainer() {
            // A first element that is a number (even one out of range, reported from there)
            // means a flat column; anything else is read as rows and reported from there. Rows
            // are probed first: they are the common case, and their probe does not throw.
            if !outer.isAtEnd && !outer.nextIsArray() && outer.nextIsNumber() {
                try decodeColumn(&outer, decoder: decoder)
            } else {
                try decodeRows(&outer, decoder: decoder)
            }
            return
        }
        guard let object = try decoder.objectIfAny() else {
            throw DecodingError.typeMismatch(
                NumberMatrix.self,
                DecodingError.Context(
                    codingPath: decoder.codingPath,
                    debugDescription:
                        "expected an array of rows of numbers, or a tensor object {\"shape\", \"data_base64\"}"
                )
            )
        }
        switch try Tensor.decode(object) {
        case .failure(let problem):
            shapeProblem = problem
        case .success(let tensor) where tensor.shape.count == 2:
            (rows, columns, values) = (tensor.shape[0], tensor.shape[1], tensor.values)
        case .success(let tensor) where tensor.shape.count == 1:
            (rows, columns, values, flatForm) = (tensor.shape[0], 1, tensor.values, "/shape")
        case .success:
            shapeProblem = Problem.Detail(pointer: "/shape", detail: "a matrix needs shape [n, C]")
        }
    }

    /// A flat list of numbers as n rows of one value.
    private mutating func decodeColumn(_ outer: inout any UnkeyedDecodingContainer, decoder: any Decoder) throws {
        values.reserveCapacity(BodyCapacity.reservation(rows: outer.count ?? 1, columns: 1, in: decoder))
        while !outer.isAtEnd {
            values.append(try outer.decodeNumber())
        }
        (rows, columns, flatForm) = (values.count, 1, "")
    }

    private mutating func decodeRows(_ outer: inout any UnkeyedDecodingContainer, decoder: any Decoder) throws {
        while !outer.isAtEnd {
            var row = try outer.nestedUnkeyedContainer()
            if rows == 0 {
                columns = row.count ?? 0
                values.reserveCapacity(BodyCapacity.reservation(rows: outer.count ?? 1, columns: columns, in: decoder))
            }
            var count = 0
            while !row.isAtEnd {
                values.append(try row.decodeNumber())
                count += 1
            }
            if count != columns && shapeProblem == nil {
                shapeProblem = Problem.Detail(
                    pointer: "/\(rows)",
                    detail: "row \(rows) has \(count) values but row 0 has \(columns)"
                )
            }
            rows += 1
        }
    }
}
