import Foundation

/// Files of the repository the tests check the code against (openapi.yaml, README.md, the
/// deployment files), read from the source tree.
public enum RepositoryFiles {
    /// The repository's top folder.
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The text of `path`, relative to the repository's top folder.
    public static func text(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    /// The rows of the first Markdown table under the heading `heading` (a line of `text` that
    /// starts with it), as cells without their outer pipes; the header and rule rows left out.
    public static func markdownTable(under heading: String, in text: String) -> [[String]] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let start = lines.firstIndex(where: { $0.hasPrefix(heading) }) else { return [] }
        var rows: [[String]] = []
        var seenTable = false
        for line in lines[(start + 1)...] {
            guard line.hasPrefix("|") else {
                if seenTable { break }
                continue
            }
            seenTable = true
            let cells = line.dropFirst().dropLast().split(separator: "|", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            rows.append(cells)
        }
        return Array(rows.dropFirst(2))
    }

    /// The words between backticks in `cell`.
    public static func codeSpans(_ cell: String) -> [String] {
        cell.split(separator: "`", omittingEmptySubsequences: false).enumerated()
            .filter { $0.offset % 2 == 1 }.map { String($0.element) }
    }
}

/// The keys of a block-style YAML document by indentation, enough to list the members of a
/// mapping such as openapi.yaml's `paths` or a schema's `properties` (no flow style, no anchors).
public struct YAMLOutline {
    private let lines: [(indent: Int, key: String)]

    /// Reads the mapping keys of `text` (lines of the form `key:` or `key: value`).
    public init(_ text: String) {
        lines = text.split(separator: "\n").compactMap { line in
            let indent = line.prefix { $0 == " " }.count
            let rest = line.dropFirst(indent)
            guard !rest.hasPrefix("#"), !rest.hasPrefix("- "), let colon = rest.firstIndex(of: ":") else {
                return nil
            }
            let key = rest[..<colon]
            guard !key.contains(" ") || key.hasPrefix("'") else { return nil }
            return (indent, key.trimmingCharacters(in: CharacterSet(charactersIn: "'\"")))
        }
    }

    /// The keys directly under the mapping at `path` (each element a key, from the top level).
    public func keys(under path: [String]) -> [String] {
        var from = 0
        var indent = -1
        for key in path {
            guard
                let index = lines[from...].firstIndex(where: { $0.indent > indent && $0.key == key }),
                lines[from..<index].allSatisfy({ $0.indent > indent })
            else { return [] }
            indent = lines[index].indent
            from = index + 1
        }
        guard from < lines.count, lines[from].indent > indent else { return [] }
        let childIndent = lines[from].indent
        return lines[from...].prefix { $0.indent > indent }.filter { $0.indent == childIndent }.map(\.key)
    }
}
