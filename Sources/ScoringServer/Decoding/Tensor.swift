import CrossEntropy

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A matrix or vector sent as an object instead of nested arrays:
/// `{"shape": [n, C], "dtype": "float32"|"float64", "data_base64": "..."}` (little-endian), or
/// `{"shape": [n, C], "data": [...]}` (row-major). Base64 skips JSON number parsing entirely:
/// the decoder reads one string, and the bytes are copied straight into doubles.
struct Tensor: Sendable {
    /// The members of a tensor object, declared once for decoding and for the 422's known fields.
    enum Field: String, CaseIterable {
        case shape
        case dtype
        case dataBase64 = "data_base64"
        case data

        static let known = allCases.map(\.rawValue)

        /// What the member must be, in the contract's words.
        var expected: String {
            switch self {
            case .shape: "[n] or [n, C]: an array of whole numbers"
            case .dtype: "\"float32\" or \"float64\""
            case .dataBase64: "a base64 string"
            case .data: "an array of numbers"
            }
        }
    }

    let shape: [Int]
    let values: [Double]

    /// Decodes the tensor object; JSON type errors throw (400), a broken rule comes back as a 422's
    /// detail whose pointer is below the tensor's own.
    static func decode(_ object: KeyedDecodingContainer<FieldKey>) throws -> Result<Tensor, Problem.Detail> {
        var sizes: [Double]?
        var dtype: String?
        var encoded: String?
        var data: [Double]?
        for key in object.allKeys {
            switch Field(rawValue: key.stringValue) {
            case .shape?: sizes = try object.decodeIfPresent(FlatNumbers.self, forKey: key)?.values
            case .dtype?: dtype = try object.decodeStringIfPresent(forKey: key)
            case .dataBase64?: encoded = try object.decodeStringIfPresent(forKey: key)
            case .data?: data = try object.decodeIfPresent(FlatNumbers.self, forKey: key)?.values
            case nil:
                return .failure(FieldSuggestion.unknownField(MemberName(key.stringValue), known: Field.known, in: ""))
            }
        }
        guard let sizes else {
            return .failure(Problem.Detail(pointer: "/shape", detail: "missing required field 'shape'"))
        }
        // Sizes are read as numbers and checked here, so 1.5 or 1e30 is a 422 rather than a
        // conversion error; 2^53 keeps the conversion to Int exact.
        guard (1...2).contains(sizes.count), sizes.allSatisfy({ $0 >= 0 && $0 <= 0x1p53 && $0.rounded() == $0 }) else {
            return .failure(
                Problem.Detail(pointer: "/shape", detail: "shape must be [n] or [n, C] with whole sizes >= 0"))
        }
        let shape = sizes.map { Int($0) }
        let (count, overflow) = shape.reduce((1, false)) { partial, size in
            let (product, overflowed) = partial.0.multipliedReportingOverflow(by: size)
            return (product, partial.1 || overflowed)
        }
        // Far beyond any body limit; also keeps count × 8 bytes from overflowing.
        if overflow || count > Int.max / 16 {
            return .failure(Problem.Detail(pointer: "/shape", detail: "shape is too large"))
        }
        switch (encoded, data) {
        case (let encoded?, nil):
            return decodeBase64(encoded, dtype: dtype ?? "float64", count: count).map {
                Tensor(shape: shape, values: $0)
            }
        case (nil, let data?):
            if let dtype, dtype != "float64" {
                return .failure(
                    Problem.Detail(
                        pointer: "/dtype", detail: "dtype applies to data_base64 only; JSON numbers are float64"))
            }
            guard data.count == count else {
                return .failure(
                    Problem.Detail(
                        pointer: "/data", detail: "shape \(shape) needs \(count) values; data has \(data.count)"))
            }
            return .success(Tensor(shape: shape, values: data))
        case (nil, nil):
            return .failure(Problem.Detail(pointer: "", detail: "a tensor needs 'data_base64' or 'data'"))
        case (.some, .some):
            return .failure(Problem.Detail(pointer: "", detail: "give either 'data_base64' or 'data', not both"))
        }
    }

    private static func decodeBase64(_ text: String, dtype: String, count: Int) -> Result<[Double], Problem.Detail> {
        let width: Int
        switch dtype {
        case "float64": width = 8
        case "float32": width = 4
        default:
            return .failure(
                Problem.Detail(
                    pointer: "/dtype",
                    detail: "unknown dtype '\(ClientText.cut(dtype))'; expected 'float32' or 'float64'"))
        }
        var text = text
        let decoded = text.withUTF8 { utf8 -> Result<[Double], Problem.Detail> in
            let invalid = Problem.Detail(pointer: "/data_base64", detail: "data_base64 is not valid base64")
            guard let byteCount = Base64.decodedCount(utf8) else { return .failure(invalid) }
            guard byteCount == count * width else {
                guard Base64.isAlphabet(utf8) else { return .failure(invalid) }
                return .failure(
                    Problem.Detail(
                        pointer: "/data_base64",
                        detail: "shape needs \(count) \(dtype) values (\(count * width) bytes); got \(byteCount) bytes"
                    )
                )
            }
            let values = decodeValues(utf8, count: count, width: width)
            return values.map { .success($0) } ?? .failure(invalid)
        }
        guard case .success(let values) = decoded else { return decoded }
        // JSON cannot carry NaN or infinity; binary data must not smuggle them in.
        if let bad = firstNonFinite(values) {
            return .failure(
                Problem.Detail(
                    pointer: "/data_base64", detail: "element \(bad) is \(values[bad]); values must be finite"))
        }
        return .success(values)
    }

    /// The index of the first NaN or infinity, looked for on all cores in large arrays.
    private static func firstNonFinite(_ values: [Double]) -> Int? {
        values.withUnsafeBufferPointer { buffer in
            nonisolated(unsafe) let buffer = buffer
            return RowChunks.map(rows: buffer.count, columns: 1) { rows in rows.first { !buffer[$0].isFinite } }
                .lazy.compactMap { $0 }.first
        }
    }

    /// The little-endian float64 or float32 values of base64 `text`, written straight into the
    /// result's storage (float64 on a little-endian machine) or through one byte buffer.
    private static func decodeValues(_ text: UnsafeBufferPointer<UInt8>, count: Int, width: Int) -> [Double]? {
        var valid = true
        if width == 8 && 1.littleEndian == 1 {
            let values = [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
                let bytes = UnsafeMutableRawBufferPointer(buffer)  // capacity may exceed count
                valid = Base64.decodeConcurrently(
                    text, into: UnsafeMutableRawBufferPointer(rebasing: bytes[0..<count * 8]))
                initialized = count  // doubles are trivial; a failed decode is discarded
            }
            return valid ? values : nil
        }
        let bytes = [UInt8](unsafeUninitializedCapacity: count * width) { buffer, initialized in
            let bytes = UnsafeMutableRawBufferPointer(buffer)
            valid = Base64.decodeConcurrently(
                text, into: UnsafeMutableRawBufferPointer(rebasing: bytes[0..<count * width]))
            initialized = count * width
        }
        guard valid else { return nil }
        return bytes.withUnsafeBytes { raw in
            (0..<count).map { i in
                width == 8
                    ? Double(
                        bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)))
                    : Double(
                        Float(
                            bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)))
                    )
            }
        }
    }
}

/// A flat JSON array of numbers, decoded with one reserved buffer (no larger than the body allows).
struct FlatNumbers: Decodable {
    var values: [Double] = []

    init(from decoder: any Decoder) throws {
        var array = try decoder.unkeyedContainer()
        values.reserveCapacity(BodyCapacity.reservation(rows: array.count ?? 0, columns: 1, in: decoder))
        while !array.isAtEnd { values.append(try array.decodeNumber()) }
    }
}
