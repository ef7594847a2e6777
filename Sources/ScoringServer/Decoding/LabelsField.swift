/// The `labels` member: a flat array (class indices, or one target per sample when C = 1)
/// or an array of rows (one-hot, multi-hot or soft targets).
enum LabelsField: Decodable, Sendable {
    case flat([Double])
    case rows(NumberMatrix)

    init(from decoder: any Decoder) throws {
        let outer = try decoder.unkeyedContainer()
        var probe = outer
        if !probe.isAtEnd, (try? probe.nestedUnkeyedContainer()) != nil {
            self = .rows(try NumberMatrix(from: decoder))
            return
        }
        var flat = outer
        var values: [Double] = []
        values.reserveCapacity(flat.count ?? 0)
        while !flat.isAtEnd { values.append(try flat.decode(Double.self)) }
        self = .flat(values)
    }
}
