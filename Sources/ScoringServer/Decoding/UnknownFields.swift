/// The members of a JSON object that its type does not know. Only the few a 422 lists are kept
/// (the first by name, so answers do not depend on the decoder's member order), with a count of
/// all of them: a body of 700,000 unknown members costs a counter, not 700,000 strings and
/// spelling suggestions.
struct UnknownFields: Sendable, Equatable {
    /// The names kept, in order, cut for echoing.
    private(set) var names: [MemberName] = []
    /// How many unknown members the object had in all.
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    mutating func record(_ name: String) {
        count += 1
        if names.count < ValidationProblems.limit {
            names.append(MemberName(name))
        } else if let last = names.last, name < last.quoted {
            names[names.count - 1] = MemberName(name)
        } else {
            return
        }
        names.sort()
    }
}
