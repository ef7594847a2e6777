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
        let decoder = JSONDecoder()
        if let key = BodyCapacity.key { decoder.userInfo[key] = body.count }
        do {
            return try decoder.decode(type, from: data)
        } catch {
            throw DecodingProblem.problem(for: error)
        }
    }
}
