/// Finds the known field closest to a misspelt one ("sample_weight" → "sample_weights").
enum FieldSuggestion {
    /// Names longer than this cannot be within the edit distance of any known field, so no
    /// distance is computed for them (an attacker's megabyte-long name costs nothing).
    private static let longestComparedName = 64

    static func closest(to name: String, among known: [String]) -> String? {
        guard name.utf8.count <= longestComparedName else { return nil }
        let scored = known.map { (field: $0, distance: editDistance(name.lowercased(), $0)) }
        guard let best = scored.min(by: { $0.distance < $1.distance }) else { return nil }
        return best.distance <= max(2, best.field.count / 3) ? best.field : nil
    }

    /// The 422 detail for one unknown member of the object at pointer `object`, with the
    /// closest known name.
    static func unknownField(_ name: MemberName, known: [String], in object: String) -> Problem.Detail {
        let suggestion = name.isCut ? nil : closest(to: name.quoted, among: known)
        let detail =
            if let suggestion {
                "unknown field \(name.described); did you mean '\(suggestion)'?"
            } else {
                "unknown field \(name.described); known fields: \(known.joined(separator: ", "))"
            }
        return Problem.Detail(pointer: name.pointer(in: object), detail: detail, isUnknownField: true)
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
