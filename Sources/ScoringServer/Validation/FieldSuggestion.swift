/// What to say about an unknown member: what to send instead of a name people bring from
/// scikit-learn, PyTorch or Keras ("reduction", "y_true", "from_logits"), or the known field a
/// misspelt one is close to ("sample_weight" → "sample_weights"), or else the known fields.
enum FieldSuggestion {
    /// Names longer than this cannot be within the edit distance of any known field, so no
    /// distance is computed for them (an attacker's megabyte-long name costs nothing).
    private static let longestComparedName = 64

    /// Framework argument names, lowercased, and what does their job here. They name scoring
    /// request fields, so they are given only where `predictions` is a known field.
    static let frameworkHints: [String: String] = {
        let reduction = "the answer holds every reduction: 'loss' (the mean), 'sum' and 'losses' (per sample)"
        let labels = "the true labels go in 'labels'"
        let predictions = "the model's outputs go in 'predictions'"
        let logits = "send logits as 'predictions' with \"input\": \"logits\""
        let weight = "per-class weights go in 'class_weights', per-sample weights in 'sample_weights'"
        return [
            "reduction": reduction, "normalize": reduction,
            "y_true": labels, "target": labels, "targets": labels, "y": labels,
            "y_pred": predictions, "y_score": predictions, "preds": predictions, "probs": predictions,
            "probabilities": predictions, "output": predictions, "outputs": predictions,
            "logits": logits, "from_logits": logits,
            "weight": weight, "weights": weight,
            "eps": "the clipping bound is 'epsilon'",
        ]
    }()

    /// The hint for a framework name, where `known` are a scoring request's fields.
    static func frameworkHint(for name: String, among known: [String]) -> String? {
        guard name.utf8.count <= longestComparedName, known.contains(ScoringField.predictions.rawValue) else {
            return nil
        }
        return frameworkHints[name.lowercased()]
    }

    /// The known field `name` is a close spelling of: one edit away (a transposition counts as
    /// one), two for names of 8 characters or more. Farther names get no suggestion, since a
    /// wrong one ("reduction" → "predictions") misleads more than the list of fields.
    static func closest(to name: String, among known: [String]) -> String? {
        guard name.utf8.count <= longestComparedName else { return nil }
        let lowered = name.lowercased()
        let scored = known.map { (field: $0, distance: editDistance(lowered, $0)) }
        guard let best = scored.min(by: { $0.distance < $1.distance }) else { return nil }
        return best.distance <= (best.field.count >= 8 ? 2 : 1) ? best.field : nil
    }

    /// The 422 detail for one unknown member of the object at pointer `object`: a framework
    /// name's hint, or the closest known name.
    static func unknownField(_ name: MemberName, known: [String], in object: String) -> Problem.Detail {
        let detail =
            if !name.isCut, let hint = frameworkHint(for: name.quoted, among: known) {
                "unknown field \(name.described): \(hint)"
            } else if !name.isCut, let suggestion = closest(to: name.quoted, among: known) {
                "unknown field \(name.described); did you mean '\(suggestion)'?"
            } else {
                "unknown field \(name.described); known fields: \(known.joined(separator: ", "))"
            }
        return Problem.Detail(pointer: name.pointer(in: object), detail: detail, isUnknownField: true)
    }

    /// Optimal string alignment distance over Unicode scalars: Levenshtein, with the swap of
    /// two adjacent characters ("lables") as one edit.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars)
        let b = Array(b.unicodeScalars)
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var beforePrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], beforePrevious[j - 2] + 1)
                }
            }
            (beforePrevious, previous, current) = (previous, current, beforePrevious)
        }
        return previous[b.count]
    }
}
