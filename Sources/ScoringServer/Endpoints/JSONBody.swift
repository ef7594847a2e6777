#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Decodes request bodies with Foundation's JSONDecoder (the only JSON parser in the service).
enum JSONBody {
    /// Decodes `T` from bytes that stay valid for the duration of the call, without copying them.
    static func decode<T: Decodable>(_ type: T.Type, from body: UnsafeRawBufferPointer) throws(Problem) -> T {
        try SequentialDecoder(capacity: body.count).decode(type, from: body)
    }

    /// One JSONDecoder for bodies decoded one after another on one thread: a body, or the lines
    /// of a JSON Lines batch (a fresh JSONDecoder with its key strategy set costs about 2% of a
    /// short line's decode). Each body must be at most `capacity` bytes: its userInfo carries
    /// that size, which bounds every reservation made while decoding (`BodyCapacity`). Without
    /// one (short lines: JSONDecoder copies a non-empty userInfo on every decode, 0.4% of a
    /// line), no reservation past a few thousand numbers is made; arrays grow as values arrive.
    struct SequentialDecoder {
        private let decoder = JSONDecoder()
        /// The member check of the body being decoded, reset before each.
        let duplicates: DuplicateMembers

        /// A decoder for bodies of at most `capacity` bytes (nil: not known); `recordingTopLevelNames`
        /// keeps each body's top-level member names (`DuplicateMembers.topLevelNames`).
        init(capacity: Int?, recordingTopLevelNames: Bool = false) {
            duplicates = DuplicateMembers(recordingTopLevelNames: recordingTopLevelNames)
            if let key = BodyCapacity.key, let capacity { decoder.userInfo[key] = capacity }
            decoder.keyDecodingStrategy = duplicates.strategy
        }

        /// Decodes `T` from bytes that stay valid for the duration of the call, without copying them.
        func decode<T: Decodable>(_ type: T.Type, from body: UnsafeRawBufferPointer) throws(Problem) -> T {
            try decode(from: body) { try decoder.decode(type, from: $0) }
        }

        /// Decodes `T` with `configuration` (as `decode(_:from:)` does otherwise).
        func decode<T: DecodableWithConfiguration>(
            _ type: T.Type, from body: UnsafeRawBufferPointer, configuration: T.DecodingConfiguration
        ) throws(Problem) -> T {
            try decode(from: body) { try decoder.decode(type, from: $0, configuration: configuration) }
        }

        private func decode<T>(from body: UnsafeRawBufferPointer, _ decodeData: (Data) throws -> T) throws(Problem) -> T
        {
            let data: Data
            if let base = body.baseAddress, body.count > 0 {
                data = Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base), count: body.count, deallocator: .none)
            } else {
                data = Data()
            }
            if let problem = MediaTypeRules.refusal(body: body) { throw problem }
            duplicates.reset()
            let decoded: T
            do {
                decoded = try decodeData(data)
            } catch {
                // A duplicate member is named first: the body means different things to different parsers.
                throw duplicates.problem ?? JSONBody.problem(for: error, body: body)
            }
            if let problem = duplicates.problem { throw problem }
            return decoded
        }
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
