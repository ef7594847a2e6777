#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Decodes request bodies with Foundation's JSONDecoder (the only JSON parser in the service).
enum JSONBody {
    /// Decodes `T` from bytes that stay valid for the duration of the call, without copying them.
    static func decode<T: Decodable>(_ type: T.Type, from body: UnsafeRawBufferPointer) throws(Problem) -> T {
        let data: Data
        if let base = body.baseAddress, body.count > 0 {
            data = Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base), count: body.count, deallocator: .none)
        } else {
            data = Data()
        }
        // One decoder per body: its userInfo carries the body's size, which bounds every
        // reservation made while decoding (a fresh JSONDecoder with its userInfo set costs about 0.24 µs).
        if let problem = MediaTypeRules.refusal(body: body) { throw problem }
        let decoder = JSONDecoder()
        if let key = BodyCapacity.key { decoder.userInfo[key] = body.count }
        let duplicates = DuplicateMembers()
        decoder.keyDecodingStrategy = duplicates.strategy
        let decoded: T
        do {
            decoded = try decoder.decode(type, from: data)
        } catch {
            // A duplicate member is named first: the body means different things to different parsers.
            throw duplicates.problem ?? problem(for: error, body: body)
        }
        if let problem = duplicates.problem { throw problem }
        return decoded
    }

    /// The problem of a body that could not be decoded. Nothing is decoded again: each read
    /// site reports where it failed.
    private static func problem(for error: any Error, body: UnsafeRawBufferPointer) -> Problem {
        // JSONDecoder checks the syntax of the whole body before any value is read.
        if case DecodingError.dataCorrupted(let context) = error, context.codingPath.isEmpty {
            return isBlank(body) ? DecodingProblem.emptyBody : DecodingProblem.syntaxProblem(in: body)
        }
        return DecodingProblem.problem(for: error)
    }

    /// Whether the body has nothing but JSON whitespace.
    private static func isBlank(_ body: UnsafeRawBufferPointer) -> Bool {
        body.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
    }
}
