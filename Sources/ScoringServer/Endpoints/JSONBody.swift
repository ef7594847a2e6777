#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Decodes request bodies with Foundation's JSONDecoder (the only JSON parser in the service).
enum JSONBody {
    /// JSONDecoder is thread-safe and holds no per-call state; one instance serves every thread.
    private static let decoder = JSONDecoder()

    /// Decodes `T` from bytes that stay valid for the duration of the call, without copying them.
    static func decode<T: Decodable>(_ type: T.Type, from body: UnsafeRawBufferPointer) throws(Problem) -> T {
        let data: Data
        if let base = body.baseAddress, body.count > 0 {
            data = Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base), count: body.count, deallocator: .none)
        } else {
            data = Data()
        }
        do {
            return try decoder.decode(type, from: data)
        } catch {
            throw DecodingProblem.problem(for: error)
        }
    }
}
