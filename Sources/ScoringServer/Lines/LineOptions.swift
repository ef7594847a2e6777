import CrossEntropy

/// The options of a JSON Lines stream, from its query string: the JSON body's option names and
/// rules (`OptionsValidator`, `ConventionRules`), checked at the headers so that a bad option is
/// refused before the body is read. Weights are comma-separated numbers.
struct LineOptions: Sendable {
    /// The options as a `ScoringRequest` with no data fields: each line's data is put beside them
    /// and validated as a JSON body would be.
    let request: ScoringRequest

    /// The query parameters these routes take (the body's option names).
    static let names: [ScoringField] = [
        .base, .input, .convention, .labelSmoothing, .epsilon, .confidence, .perSample, .classWeights,
        .positiveWeights, .model, .ignoreIndex,
    ]

    /// A query value as a number by the body's rules: JSON's number syntax (no hex, `inf` or
    /// `+`), within float64's range (a nonzero value that rounds to 0, like 1e-400, is refused
    /// as the body refuses it).
    static func number<Text: StringProtocol>(_ text: Text) -> Double? {
        var digits = text.utf8[...]
        if digits.first == UInt8(ascii: "-") { digits = digits.dropFirst() }
        let integer = digits.prefix { $0 >= 0x30 && $0 <= 0x39 }
        guard !integer.isEmpty, integer.count == 1 || integer.first != UInt8(ascii: "0") else { return nil }
        var rest = digits.dropFirst(integer.count)
        if rest.first == UInt8(ascii: ".") {
            let fraction = rest.dropFirst().prefix { $0 >= 0x30 && $0 <= 0x39 }
            guard !fraction.isEmpty else { return nil }
            rest = rest.dropFirst(1 + fraction.count)
        }
        if let e = rest.first, e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            rest = rest.dropFirst()
            if let sign = rest.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { rest = rest.dropFirst() }
            let exponent = rest.prefix { $0 >= 0x30 && $0 <= 0x39 }
            guard !exponent.isEmpty else { return nil }
            rest = rest.dropFirst(exponent.count)
        }
        guard rest.isEmpty, let value = Double(String(text)), value.isFinite else { return nil }
        // Underflow: digits that are not all zero read as 0.
        if value == 0 && text.utf8.contains(where: { $0 >= 0x31 && $0 <= 0x39 }) {
            let mantissa = text.utf8.prefix { $0 != UInt8(ascii: "e") && $0 != UInt8(ascii: "E") }
            if mantissa.contains(where: { $0 >= 0x31 && $0 <= 0x39 }) { return nil }
        }
        return value
    }

    /// The 422 detail of a query parameter these routes do not take: the option it is a close
    /// spelling of, or the options of `kind`'s route.
    private static func unknown(_ name: String, pointer: String, kind: LossKind) -> Problem.Detail {
        let otherWeights = ScoringField.classWeightField(of: kind == .cce ? .bce : .cce)
        let offered = names.filter { $0 != otherWeights }.map(\.rawValue)
        let detail =
            if let suggestion = FieldSuggestion.closest(to: name, among: offered) {
                "unknown query parameter '\(ClientText.cut(name))'; did you mean '\(suggestion)'?"
            } else {
                "unknown query parameter '\(ClientText.cut(name))'; this route takes "
                    + offered.map { "'\($0)'" }.joined(separator: ", ")
            }
        return Problem.Detail(pointer: pointer, detail: detail, isUnknownField: true)
    }

    /// Parses and checks `query` (the part after `?`, undecoded; nil or "" for none).
    static func parse(query: String?, kind: LossKind) -> Result<LineOptions, Problem> {
        var request = emptyRequest()
        var problems = ValidationProblems()
        var seen: Set<ScoringField> = []
        for pair in (query ?? "").split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = decode(parts[0])
            let value = parts.count > 1 ? decode(parts[1]) : ""
            let pointer = "/" + JSONPointer.escape(name)
            guard let field = ScoringField(rawValue: name), names.contains(field) else {
                problems.add(unknown(name, pointer: pointer, kind: kind))
                continue
            }
            // A repeated option is refused rather than one of its values kept: clients that
            // serialize arrays as repeated parameters (class_weights=1&class_weights=2) would
            // otherwise be scored with the last value alone.
            guard seen.insert(field).inserted else {
                let example = field == .classWeights || field == .positiveWeights ? " (\(name)=1,2,3)" : ""
                problems.add(
                    pointer,
                    "query parameter '\(name)' occurs more than once; send it once\(example.isEmpty ? "" : ", its numbers comma-separated" + example)"
                )
                continue
            }
            func number() -> Double? {
                guard let number = Self.number(value) else {
                    problems.add(
                        pointer, "\(name) must be a number in float64's range; got '\(ClientText.cut(value))'")
                    return nil
                }
                return number
            }
            func numbers() -> [Double]? {
                var values: [Double] = []
                for (i, item) in value.split(separator: ",", omittingEmptySubsequences: false).enumerated() {
                    guard let number = Self.number(item) else {
                        problems.add(
                            pointer + "/\(i)",
                            "\(name) must be comma-separated numbers; got '\(ClientText.cut(String(item)))'")
                        return nil
                    }
                    values.append(number)
                }
                return values
            }
            switch field {
            case .base: request.base = Self.number(value).map { BaseField.number($0) } ?? .name(value)
            case .input: request.input = value
            case .model: request.model = value
            case .convention: request.convention = value
            case .labelSmoothing: request.labelSmoothing = number()
            case .epsilon: request.epsilon = number()
            case .confidence: request.confidence = number()
            case .ignoreIndex: request.ignoreIndex = number()
            case .perSample:
                switch value {
                case "true": request.perSample = true
                case "false": request.perSample = false
                default: problems.add(pointer, "per_sample must be true or false; got '\(ClientText.cut(value))'")
                }
            case .classWeights: request.classWeights = numbers()
            case .positiveWeights: request.positiveWeights = numbers()
            default: break
            }
        }
        // per_sample is off by default on a stream: losses grow with it.
        if request.perSample == nil { request.perSample = false }
        if !problems.isEmpty { return .failure(Problem.validation(problems.details)) }
        do throws(Problem) {
            try check(request, kind: kind)
        } catch {
            return .failure(error)
        }
        return .success(LineOptions(request: request))
    }

    /// The body's rules over the options alone (a class-weight count is checked on each line,
    /// against its columns).
    private static func check(_ request: ScoringRequest, kind: LossKind) throws(Problem) {
        let pointer = FieldPointer(prefix: "")
        let validator = OptionsValidator(pointer: pointer)
        var problems = ValidationProblems()
        let convention = validator.convention(request.convention, &problems) ?? .document
        let defaultKind: PredictionKind = convention == .pytorch && kind == .cce ? .logits : .probabilities
        let predictionKind = validator.predictionKind(request.input, default: defaultKind, &problems)
        let base = validator.base(request.base, default: convention.defaultBase, &problems)
        _ = validator.ignoreIndex(request, kind: kind, convention: convention, &problems)
        try problems.check()
        guard let predictionKind, let base else { return }
        ConventionRules(convention: convention, kind: kind, pointer: pointer)
            .checkOptions(request, predictionKind: predictionKind, &problems)
        try problems.check()
        let columns = (kind == .cce ? request.classWeights : request.positiveWeights)?.count ?? 2
        _ = try validator.lossOptions(
            request, kind: kind, convention: convention, predictionKind: predictionKind, base: base,
            matrix: Matrix(rows: 0, columns: columns, values: []))
        _ = try validator.answerOptions(request, kind: kind)
    }

    /// A query component with `+` as a space and `%XX` escapes decoded (a bad escape is kept
    /// as it is; invalid UTF-8 is repaired).
    static func decode(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        let utf8 = Array(text.utf8)
        var i = 0
        while i < utf8.count {
            let byte = utf8[i]
            if byte == UInt8(ascii: "%"), i + 2 <= utf8.count - 1, let high = hexValue(utf8[i + 1]),
                let low = hexValue(utf8[i + 2])
            {
                bytes.append(high << 4 | low)
                i += 3
                continue
            }
            bytes.append(byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
            i += 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func emptyRequest() -> ScoringRequest {
        ScoringRequest()
    }
}
