import CrossEntropy

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// One line of a JSON Lines stream, decoded with JSONDecoder as its own JSON value: a sample
/// `{"prediction": [...], "label": <index | row>, "weight": <optional>}`, or a block with the
/// data fields of a JSON body (`predictions`, `labels`, optional `sample_weights`) in any form
/// the JSON path accepts. An object with any of the sample's names is a sample.
struct LineValue: Decodable, DecodableWithConfiguration, Sendable {
    /// The line as the JSON body it stands for (data fields only; options come from the query).
    var request = ScoringRequest()
    /// Whether the line is a sample line (its pointers name `prediction`, `label`, `weight`).
    var isSample = false

    /// A sample line's members. An array, not a set: three comparisons of short strings cost
    /// less than hashing each member name.
    static let sampleNames = SampleField.allCases.map(\.rawValue)
    /// A block line's members, in the order its unknown-field hint lists them.
    static let dataFields: [ScoringField] = [.predictions, .labels, .sampleWeights]
    private static let prediction = FieldKey(stringValue: SampleField.prediction.rawValue)
    private static let label = FieldKey(stringValue: SampleField.label.rawValue)
    private static let weight = FieldKey(stringValue: SampleField.weight.rawValue)

    /// A line decoded alone: its members are looked up in the decoder's container.
    init(from decoder: any Decoder) throws {
        try self.init(from: decoder, names: nil)
    }

    /// A line decoded by a reader that records the line's member names (`LineDecoder.reader()`):
    /// whether a member is there is read from those names, not asked of JSONDecoder's container
    /// (three `contains` hash the names: 0.7% of a sample line).
    init(from decoder: any Decoder, configuration names: DuplicateMembers) throws {
        try self.init(from: decoder, names: names)
    }

    /// A sample line's members it does not know are not found here but by `LineDecoder`, from
    /// the member names the duplicate check recorded (`allKeys` would cost about 3% of the line).
    private init(from decoder: any Decoder, names: DuplicateMembers?) throws {
        let object = try decoder.object()
        // The names are complete once the container is made: JSONDecoder reads every member name then.
        func has(_ key: FieldKey) -> Bool {
            if let names { names.topLevelNames.contains(key.stringValue) } else { object.contains(key) }
        }
        isSample = has(Self.prediction) || has(Self.label) || has(Self.weight)
        if !isSample {
            request = try ScoringRequest(object, context: .body)
            // An option on a line would change the meaning of the lines before it.
            for field in ScoringField.allCases where !Self.dataFields.contains(field) && request.has(field) {
                request.unknownFields.record(field.rawValue)
            }
            return
        }
        if let values = try object.decodeIfPresent(FlatNumbers.self, forKey: Self.prediction)?.values {
            request.predictions = NumberMatrix(rows: 1, columns: values.count, values: values)
        }
        // `decode`, not `decodeIfPresent`, where the member is known to be there, and `has`
        // before an optional member: JSONDecoder's optional paths look up Optional's metadata.
        if has(Self.label) {
            do {
                request.labels = .flat([try object.decodeNumber(forKey: Self.label)])
            } catch let invalid as InvalidNumber {
                throw invalid  // a number that cannot be a float64 is named as the body names it
            } catch {
                // Not a number: a row, or null (then missing).
                if let row = try object.decodeIfPresent(FlatNumbers.self, forKey: Self.label)?.values {
                    request.labels = .rows(NumberMatrix(rows: 1, columns: row.count, values: row))
                }
            }
        }
        if has(Self.weight), let weight = try object.decodeNumberIfPresent(forKey: Self.weight) {
            request.sampleWeights = [weight]
        }
    }

    /// The fields a line may have, for the unknown-field hint.
    func known() -> [String] {
        isSample ? Self.sampleNames : Self.dataFields.map(\.rawValue)
    }
}

extension ScoringRequest {
    /// Whether the option `field` is set.
    func has(_ field: ScoringField) -> Bool {
        switch field {
        case .base: base != nil
        case .input: input != nil
        case .convention: convention != nil
        case .labelSmoothing: labelSmoothing != nil
        case .epsilon: epsilon != nil
        case .confidence: confidence != nil
        case .perSample: perSample != nil
        case .perClass: perClass != nil
        case .classWeights: classWeights != nil
        case .positiveWeights: positiveWeights != nil
        case .predictions: predictions != nil
        case .labels: labels != nil
        case .sampleWeights: sampleWeights != nil
        case .id: id != nil
        case .loss: loss != nil
        case .ignoreIndex: ignoreIndex != nil
        case .model: model != nil
        }
    }
}

/// A sample line's members, and what each must be (for a 400 when its JSON type is wrong).
enum SampleField: String, CaseIterable {
    case prediction
    case label
    case weight

    /// What the member must be, in the contract's words.
    var expected: String {
        switch self {
        case .prediction: "an array of numbers, the sample's row (a binary sample's too: [0.7])"
        case .label: "a class index, or a row of numbers (on /bce/lines: 0 and 1, not true and false)"
        case .weight: "a number"
        }
    }
}

/// Decodes and validates one line against the stream's options: the JSON body's rules, with
/// pointers under `/lines/<index>` and details that say "line N".
struct LineDecoder: Sendable {
    let kind: LossKind
    let options: LineOptions
    let limits: ScoringLimits

    /// A JSONDecoder for lines decoded one after another on one thread: one per batch of lines,
    /// not one per line. It knows no body size: a line's arrays grow as their values arrive
    /// (a line is at most --max-line-bytes, and its batch is charged to the budget).
    static func reader() -> JSONBody.SequentialDecoder {
        JSONBody.SequentialDecoder(capacity: nil, recordingTopLevelNames: true)
    }

    /// The line's validated job, or its problem (400 when it is not JSON, else 422); `reader`
    /// decodes it (`reader()`, made for the line when nil).
    func decode(_ bytes: UnsafeRawBufferPointer, index: Int, reader: JSONBody.SequentialDecoder? = nil)
        -> Result<ScoringJob, Problem>
    {
        var isSample = false
        do throws(Problem) {
            let reader = reader ?? Self.reader()
            var line = try reader.decode(LineValue.self, from: bytes, configuration: reader.duplicates)
            isSample = line.isSample
            if isSample {
                for name in reader.duplicates.topLevelNames where !LineValue.sampleNames.contains(name) {
                    line.request.unknownFields.record(name)
                }
            }
            var problems = ValidationProblems()
            problems.add(line.request.unknownFields, known: line.known(), in: "")
            try problems.check()
            var request = options.request
            request.predictions = line.request.predictions
            request.labels = line.request.labels
            request.sampleWeights = line.request.sampleWeights
            // A line is a piece of the stream's set: the set's rules (some weight positive,
            // some sample left after ignore_index, some labelled class weight not 0) are
            // checked at the stream's end, where all lines are known (`StreamScorer`).
            var validator = RequestValidator(pointerPrefix: "", context: .body, limits: limits)
            validator.wholeSet = false
            let job = try validator.validate(request, as: kind)
            return .success(job)
        } catch {
            return .failure(Self.located(error, prefix: "/lines/\(index)", index: index, sample: isSample))
        }
    }

    /// `problem` with its pointers under `prefix` (a sample line's fields named as the line
    /// names them) and "line N: " before its details. A member the line does not know keeps its
    /// own name; a query option's problem (a weight count that does not match the line's
    /// classes) points at the option, as one found at the headers does.
    static func located(_ problem: Problem, prefix: String, index: Int, sample: Bool) -> Problem {
        let line = "line \(index + 1): "
        let errors = problem.errors.map { detail in
            let pointer: String
            if detail.isUnknownField {
                pointer = prefix + detail.pointer
            } else if isOption(detail.pointer) {
                pointer = detail.pointer
            } else {
                pointer = prefix + (sample ? samplePointer(detail.pointer) : detail.pointer)
            }
            var text = sample && !detail.isUnknownField ? sampleNames(detail.detail) : detail.detail
            if sample && detail.isUnknownField && blockPointers.contains(detail.pointer) {
                // A block line that also has a sample's name (often 'weight') is read as a sample.
                text += Self.readAsASample
            }
            return Problem.Detail(pointer: pointer, detail: line + text, isUnknownField: detail.isUnknownField)
        }
        // A single error's detail is the problem's detail: it takes the line's names with it.
        let detail =
            problem.errors.count == 1 && problem.detail == problem.errors[0].detail
            ? errors[0].detail : line + problem.detail
        let errorsOrWhole = errors.isEmpty ? [Problem.Detail(pointer: prefix, detail: detail)] : errors
        return Problem(problem.type, detail: detail, errors: errorsOrWhole)
    }

    /// A block line's data members, as pointers.
    private static let blockPointers = Set(LineValue.dataFields.map { "/" + $0.rawValue })
    private static let readAsASample =
        " (a line with 'prediction', 'label' or 'weight' is a sample line; a block line gives its weights as 'sample_weights')"

    /// Whether `pointer` is at a query option (`/class_weights`, `/class_weights/2`, …).
    private static func isOption(_ pointer: String) -> Bool {
        LineOptions.names.contains { pointer == "/" + $0.rawValue || pointer.hasPrefix("/" + $0.rawValue + "/") }
    }

    /// A detail in a sample line's words: 'labels' → 'label', and so on.
    private static func sampleNames(_ detail: String) -> String {
        detail.replacing("'predictions'", with: "'prediction'")
            .replacing("'labels'", with: "'label'")
            .replacing("'sample_weights'", with: "'weight'")
    }

    /// "/predictions/0/3" → "/prediction/3", "/labels/0" → "/label", "/sample_weights/0" → "/weight".
    private static func samplePointer(_ pointer: String) -> String {
        for (body, line) in [
            ("/predictions/0", "/prediction"), ("/labels/0", "/label"), ("/sample_weights/0", "/weight"),
        ]
        where pointer == body || pointer.hasPrefix(body + "/") {
            return line + pointer.dropFirst(body.count)
        }
        for (body, line) in [("/predictions", "/prediction"), ("/labels", "/label"), ("/sample_weights", "/weight")]
        where pointer == body {
            return line
        }
        return pointer
    }
}
