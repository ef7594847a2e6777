/// A string the service reads that JSONDecoder cannot turn into text: a raw control character,
/// an invalid escape (a lone UTF-16 surrogate, `\x`, `\u12G4`) or bytes that are not UTF-8, in a
/// value or in a member name.
///
/// JSONDecoder's scanner only finds where a string ends; the rest is checked when the string is
/// read (a member name when its object's container is made), and the error it then throws has no
/// position and ends the whole decode as "not valid JSON". So every site that reads a string
/// catches that error where it happens and reports its coding path. A string the service never
/// reads (inside an unknown member) is never checked, so every failing string is at one of these
/// sites, and the error path costs no more than the read that failed: no second decode.
struct UnreadableString: Error {
    /// What is wrong with the string.
    enum Cause: Sendable {
        case controlCharacter
        case invalidEscape
        case notUTF8
    }

    /// The string's path; for a member name, its object's (a name that cannot be read cannot be
    /// pointed at).
    let codingPath: [any CodingKey]
    let isMemberName: Bool
    let cause: Cause

    /// The error JSONDecoder threw while reading a string at `codingPath`, as an
    /// `UnreadableString` when it is its own `JSONError` (not a DecodingError); DecodingErrors (a
    /// number where a string belongs) and this service's own errors pass through.
    static func classify(_ error: any Error, at codingPath: [any CodingKey], isMemberName: Bool) -> any Error {
        if error is DecodingError || error is UnreadableString || error is InvalidNumber { return error }
        let name = String(describing: error)
        let cause: Cause =
            if name.hasPrefix("unescapedControlCharacterInString") {
                .controlCharacter
            } else if name.hasPrefix("cannotConvertInputStringDataToUTF8") {
                .notUTF8
            } else {
                .invalidEscape
            }
        return UnreadableString(codingPath: codingPath, isMemberName: isMemberName, cause: cause)
    }

    /// The 400's words.
    var detail: String {
        let what = isMemberName ? "a member name in this object cannot be read" : "this string cannot be read"
        return switch cause {
        case .controlCharacter: "\(what): it holds a raw control character (U+0000 to U+001F must be escaped)"
        case .invalidEscape: "\(what): an invalid escape, such as a lone UTF-16 surrogate"
        case .notUTF8: "\(what): its bytes are not UTF-8"
        }
    }
}

// Every string and every object of a request is read through these.

extension Decoder {
    /// The value as an object whose member names have all been read.
    func object() throws -> KeyedDecodingContainer<FieldKey> {
        do {
            return try container(keyedBy: FieldKey.self)
        } catch {
            throw UnreadableString.classify(error, at: codingPath, isMemberName: true)
        }
    }

    /// The value as an object, or nil when it is not one (a member name that cannot be read
    /// still throws).
    func objectIfAny() throws -> KeyedDecodingContainer<FieldKey>? {
        do {
            return try object()
        } catch is DecodingError {
            return nil
        }
    }
}

extension SingleValueDecodingContainer {
    /// The value as a string.
    func decodeString() throws -> String {
        do {
            return try decode(String.self)
        } catch {
            throw UnreadableString.classify(error, at: codingPath, isMemberName: false)
        }
    }
}

extension KeyedDecodingContainer {
    /// The member as a string, nil when absent or null.
    func decodeStringIfPresent(forKey key: Key) throws -> String? {
        do {
            return try decodeIfPresent(String.self, forKey: key)
        } catch {
            throw UnreadableString.classify(error, at: codingPath + [key], isMemberName: false)
        }
    }
}
