/// A JSON array of rows of numbers, decoded straight into one flat row-major buffer.
///
/// JSONDecoder's cost is per container and per value, so this avoids `[[Double]]` (one array
/// per row) and reserves the whole buffer once from the container counts. Rows of unequal
/// length are recorded, not thrown, so validation can answer 422 with the row's pointer.
struct NumberMatrix: Decodable, Sendable {
    private(set) var rows = 0
    private(set) var columns = 0
    private(set) var values: [Double] = []
    /// The first row whose length differs from row 0's.
    private(set) var raggedRow: (index: Int, count: Int)?

    init(from decoder: any Decoder) throws {
        var outer = try decoder.unkeyedContainer()
        while !outer.isAtEnd {
            var row = try outer.nestedUnkeyedContainer()
            if rows == 0 {
                columns = row.count ?? 0
                values.reserveCapacity((outer.count ?? 1) * columns)
            }
            var count = 0
            while !row.isAtEnd {
                values.append(try row.decode(Double.self))
                count += 1
            }
            if count != columns && raggedRow == nil { raggedRow = (rows, count) }
            rows += 1
        }
    }
}
