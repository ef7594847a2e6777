/// A JSON number that cannot become a float64: out of float64's range (beyond ±1.8e308, or a
/// non-zero value below 4.9e-324; a 422), or malformed (`01`, `1.`, `-`; a 400). JSONDecoder
/// checks numbers only when a value is converted, and its error then has lost the value's
/// position, so the decoding code that asked for the value reports where it is.
struct InvalidNumber: Error {
    let codingPath: [any CodingKey]
    let isOutOfRange: Bool

    /// Classifies the error JSONDecoder threw while converting the number at `codingPath`: its
    /// own `JSONError` (not a DecodingError), whose case tells range from syntax. DecodingErrors
    /// (a string where a number belongs) pass through.
    static func classify(_ error: any Error, at codingPath: [any CodingKey]) -> any Error {
        if error is DecodingError { return error }
        let outOfRange = String(describing: error).hasPrefix("numberIsNotRepresentableInSwift")
        return InvalidNumber(codingPath: codingPath, isOutOfRange: outOfRange)
    }
}

// Every number of a request is read through these, so that a number that cannot be a float64
// is reported at its own pointer.

extension UnkeyedDecodingContainer {
    /// The next element as a float64.
    mutating func decodeNumber() throws -> Double {
        let index = currentIndex  // the path is built only on the error path: this runs per value
        do {
            return try decode(Double.self)
        } catch {
            throw InvalidNumber.classify(error, at: codingPath + [IndexKey(index)])
        }
    }

    /// Whether the next element is an array, without consuming it. Probing rows this way costs
    /// nothing when they are rows (the common case): a failed probe throws, and a thrown
    /// DecodingError costs more than decoding a small body's numbers.
    func nextIsArray() -> Bool {
        var probe = self
        return (try? probe.nestedUnkeyedContainer()) != nil
    }

    /// Whether the next element is a number (valid or not), without consuming it.
    func nextIsNumber() -> Bool {
        var probe = self
        do {
            _ = try probe.decode(Double.self)
            return true
        } catch {
            return !(error is DecodingError)
        }
    }
}

extension KeyedDecodingContainer {
    /// The member as a float64 (absent or null: DecodingError).
    func decodeNumber(forKey key: Key) throws -> Double {
        do {
            return try decode(Double.self, forKey: key)
        } catch {
            throw InvalidNumber.classify(error, at: codingPath + [key])
        }
    }

    /// The member as a float64, nil when absent or null.
    func decodeNumberIfPresent(forKey key: Key) throws -> Double? {
        do {
            return try decodeIfPresent(Double.self, forKey: key)
        } catch {
            throw InvalidNumber.classify(error, at: codingPath + [key])
        }
    }
}
