import Foundation
import TestSupport
import Testing

/// Each option is declared once (CrossEntropyService's `ServiceOptions`) and `--help` prints
/// it from there with its environment variable and default: the README's option table, the
/// Dockerfile and the Kubernetes manifest must name the same flags and variables, with the
/// same defaults, and agree with themselves on the port.
@Suite struct SettingsDocumentationTests {
    struct Declared: Equatable {
        let environment: String
        let defaultText: String
    }

    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func file(_ path: String) throws -> String {
        try String(contentsOf: repository.appendingPathComponent(path), encoding: .utf8)
    }

    /// Flag → environment variable and default, as `--help` prints them (its wrapped lines
    /// joined again); every option must have both.
    static func declared() throws -> [String: Declared] {
        let help = try ServiceProcess.run(arguments: ["--help"])
        #expect(help.status == 0)
        let options = help.stdout.split(separator: "OPTIONS:").last.map(String.init) ?? ""
        let text = options.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let headers = Set(text.matches(of: try Regex(#"(--[a-z-]+) <[a-z-]+>"#)).compactMap { $0.output[1].substring })
        var result: [String: Declared] = [:]
        let entry = try Regex(#"(--[a-z-]+) <[a-z-]+> .*? \(env ([A-Z_]+); default: ([^)]*)\)\."#)
        for match in text.matches(of: entry) {
            guard let flag = match.output[1].substring, let variable = match.output[2].substring,
                let shown = match.output[3].substring
            else { continue }
            result[String(flag)] = Declared(environment: String(variable), defaultText: String(shown))
        }
        #expect(Set(result.keys) == Set(headers.map { String($0) }), "options without env or default in --help")
        return result
    }

    @Test func helpShowsEachOptionsVariableAndDefault() throws {
        let declared = try Self.declared()
        #expect(declared.count == 21)
        #expect(declared["--port"] == Declared(environment: "PORT", defaultText: "8080"))
        #expect(declared["--threads"] == Declared(environment: "THREADS", defaultText: "the number of cores"))
        #expect(declared["--drain-seconds"] == Declared(environment: "DRAIN_SECONDS", defaultText: "10"))
        // The variable is the flag in upper snake case, for every option.
        for (flag, option) in declared {
            #expect(option.environment == flag.dropFirst(2).uppercased().replacing("-", with: "_"), "\(flag)")
        }
    }

    /// The README's `| flag | env | default | meaning |` rows: the same options, variables and
    /// defaults (a default cell may explain itself after the value).
    @Test func theReadmeTableMatchesTheDeclaration() throws {
        let declared = try Self.declared()
        let readme = try Self.file("README.md")
        let section =
            readme.split(separator: "## Configuration").dropFirst().first?
            .split(separator: "\n## ").first ?? ""
        var documented: Set<String> = []
        for line in section.split(separator: "\n") where line.hasPrefix("| `--") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 4 else { continue }
            let flag = cells[0].replacing("`", with: "")
            documented.insert(flag)
            guard let option = declared[flag] else {
                Issue.record("README documents \(flag), which the service does not have")
                continue
            }
            #expect(cells[1].replacing("`", with: "") == option.environment, "\(flag)")
            #expect(cells[2].replacing("`", with: "").hasPrefix(option.defaultText), "\(flag): \(cells[2])")
        }
        #expect(documented == Set(declared.keys), "README's option table")
    }

    /// Every variable the image and the manifest set is one the service reads, and each names
    /// one port throughout.
    @Test func theImageAndTheManifestSetOnlyDeclaredVariables() throws {
        let variables = Set(try Self.declared().values.map(\.environment))
        let dockerfile = try Self.file("Dockerfile")
        var imagePort: String?
        for line in dockerfile.split(separator: "\n") where line.hasPrefix("ENV ") {
            for assignment in line.dropFirst(4).split(separator: " ") {
                let parts = assignment.split(separator: "=", maxSplits: 1).map(String.init)
                #expect(variables.contains(parts[0]), "Dockerfile sets \(parts[0])")
                if parts[0] == "PORT" { imagePort = parts.last }
            }
        }
        let exposed = dockerfile.split(separator: "\n").first { $0.hasPrefix("EXPOSE ") }?.dropFirst(7)
        #expect(imagePort != nil && exposed.map(String.init) == imagePort)

        let manifest = try Self.file("deploy/kubernetes/deployment.yaml")
        let lines = manifest.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        var set: [String: String] = [:]
        for (index, line) in lines.enumerated() where line.hasPrefix("- name: ") {
            let name = String(line.dropFirst(8))
            guard name.allSatisfy({ $0.isUppercase || $0 == "_" || $0.isNumber }) else { continue }  // a container
            #expect(variables.contains(name), "the manifest sets \(name)")
            let value = index + 1 < lines.count ? lines[index + 1] : ""
            set[name] = value.hasPrefix("value: ") ? String(value.dropFirst(7)).replacing("\"", with: "") : nil
        }
        #expect(set.count >= 8)
        let containerPort = lines.first { $0.hasPrefix("containerPort: ") }?.dropFirst(15)
        let scrapePort = lines.first { $0.hasPrefix("prometheus.io/port: ") }.map { String($0.dropFirst(20)) }?
            .replacing("\"", with: "")
        #expect(set["PORT"] != nil && containerPort.map(String.init) == set["PORT"] && scrapePort == set["PORT"])
    }
}
