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
///
/// It runs for every member of every object, so it builds no string and keeps no path: each
/// path is hashed with the process's randomly seeded Hasher, and a hash seen twice is a
/// duplicate. Two different paths of one body share a 64-bit hash with a chance of about
/// n²/2⁶⁵ (2·10⁻¹⁰ for the 80,000 members of a 10,000-job batch), and no client can aim for it.
final class DuplicateMembers: @unchecked Sendable {
    // One decoder per thread (`JSONBody.SequentialDecoder`), and JSONDecoder calls its key strategy on
    // the decoding thread only: no two threads touch this state.
    private var seen: Set<Int> = []
    private var first: [any CodingKey]?
    private let recordsTopLevelNames: Bool
    /// The member names of the top-level object, in the body's order, when recorded: a JSON Lines
    /// sample line's decoder reads them to find members it does not know, where `allKeys` would
    /// cost about 3% of the line's decode (an unspecialized `compactMap` per call).
    private(set) var topLevelNames: [String] = []

    /// A check for one body; `recordingTopLevelNames` keeps the top-level member names too.
    init(recordingTopLevelNames: Bool = false) {
        recordsTopLevelNames = recordingTopLevelNames
    }

    /// Forgets the body before: the next decode starts afresh.
    func reset() {
        if !seen.isEmpty { seen.removeAll(keepingCapacity: true) }
        first = nil
        if !topLevelNames.isEmpty { topLevelNames.removeAll(keepingCapacity: true) }
    }

    /// The key strategy that records every member path (one body at a time).
    var strategy: JSONDecoder.KeyDecodingStrategy {
        .custom { [self] path in
            record(path)
            return path.last ?? FieldKey(stringValue: "")
        }
    }

    /// The first member found twice in one object, as a 400.
    var problem: Problem? {
        guard let path = first, let last = path.last else { return nil }
        // Only the last name is the client's: objects are opened only at members the service knows.
        let name = MemberName(last.stringValue)
        let detail = "the member \(name.described) occurs more than once in its object; send it once"
        let pointer = name.pointer(in: JSONPointer.from(Array(path.dropLast())))
        return Problem(.invalidJSON, detail: detail, errors: [Problem.Detail(pointer: pointer, detail: detail)])
    }

    private func record(_ path: [any CodingKey]) {
        if recordsTopLevelNames && path.count == 1, let name = path.first?.stringValue {
            // A line's few top-level names are compared rather than hashed (cheaper for a
            // handful); past `comparedNames` of them, every name is hashed as any path is.
            if topLevelNames.count < Self.comparedNames {
                if topLevelNames.contains(name) && first == nil { first = path }
                topLevelNames.append(name)
                return
            }
            if topLevelNames.count == Self.comparedNames {
                for earlier in topLevelNames { seen.insert(Self.hash([FieldKey(stringValue: earlier)])) }
            }
            topLevelNames.append(name)
        }
        if !seen.insert(Self.hash(path)).inserted && first == nil { first = path }
    }

    /// Top-level names compared one by one before they are hashed.
    private static let comparedNames = 8

    private static func hash(_ path: [any CodingKey]) -> Int {
        var hasher = Hasher()
        for key in path {
            if let index = key.intValue { hasher.combine(index) } else { hasher.combine(key.stringValue) }
        }
        return hasher.finalize()
    }
}
