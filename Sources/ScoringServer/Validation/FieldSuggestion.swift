/// Finds the known field closest to a misspelt one ("sample_weight" → "sample_weights").
enum FieldSuggestion {
    static func closest(to name: String, among known: [String]) -> String? {
        let scored = known.map { (field: $0, distance: editDistance(name.lowercased(), $0)) }
        guard let best = scored.min(by: { $0.distance < $1.distance }) else { return nil }
        return best.distance <= max(2, best.field.count / 3) ? best.field : nil
    }

    /// Every unknown-field detail starts so; `Problem.validation` types a 422 whose details all
    /// do as `unknown-field`.
    static let unknownFieldPrefix = "unknown field '"

    static func unknownFieldDetail(_ name: String, known: [String]) -> String {
        if let suggestion = closest(to: name, among: known) {
            return unknownFieldPrefix + "\(name)'; did you mean '\(suggestion)'?"
        }
        return unknownFieldPrefix + "\(name)'; known fields: \(known.joined(separator: ", "))"
    }

    /// Levenshtein distance over Unicode scalars.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars)
        let b = Array(b.unicodeScalars)
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
