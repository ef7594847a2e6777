import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Finds member names that occur twice in one JSON object. JSONDecoder keeps one of them
/// silently (the first), while Python and JavaScript parsers keep the last: a gateway that
/// validated the body would have seen other data than the service scores. So a duplicate is
/// refused, naming the member.
///
/// JSONDecoder has no duplicate check; its custom key strategy is called for every member of
/// an object, duplicates included, each time a container is made for the object. The service
/// makes one container per object, so a member path seen twice is a duplicate.
final class DuplicateMembers: Sendable {
    private let state = Mutex<(seen: Set<String>, first: [any CodingKey]?)>(([], nil))

    /// The key strategy that records every member path (one instance per body).
    var strategy: JSONDecoder.KeyDecodingStrategy {
        .custom { [self] path in
            let pointer = JSONPointer.from(path)
            state.withLock { state in
                if !state.seen.insert(pointer).inserted && state.first == nil { state.first = path }
            }
            return path.last ?? FieldKey(stringValue: "")
        }
    }

    /// The first member found twice in one object, as a 400.
    var problem: Problem? {
        guard let path = state.withLock({ $0.first }) else { return nil }
        let name = ClientText.cut(path.last?.stringValue ?? "")
        let detail = "the member '\(name)' occurs more than once in its object; send it once"
        return Problem(
            .invalidJSON, detail: detail, errors: [Problem.Detail(pointer: JSONPointer.from(path), detail: detail)])
    }
}
