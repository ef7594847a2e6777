import CrossEntropy
import Foundation
import HTTPTransport
import TestSupport
import Testing

@testable import ScoringServer

/// openapi.yaml and the README say what the code does: each fact is declared once in the code
/// (the fields enum, the problem kinds, the route table, the metric registry, the band constants)
/// and these checks fail when a document drifts from it.
@Suite struct ContractConsistencyTests {
    let openAPI = YAMLOutline(try! RepositoryFiles.text("openapi.yaml"))
    let openAPIText = try! RepositoryFiles.text("openapi.yaml")
    let readme = try! RepositoryFiles.text("README.md")
    let harness = RouterHarness()

    private func properties(of schemas: [String]) -> Set<String> {
        Set(schemas.flatMap { openAPI.keys(under: ["components", "schemas", $0, "properties"]) })
    }

    @Test func requestSchemasListTheDecodedFields() {
        let bodies = properties(of: ["CategoricalRequest", "BinaryRequest"])
        let jobs = properties(of: ["CategoricalJob", "BinaryJob"])
        #expect(!bodies.isEmpty && !jobs.isEmpty)
        #expect(bodies == Set(ScoringField.known(in: .body)))
        #expect(jobs == Set(ScoringField.known(in: .batchJob)))
        let comparisons = properties(of: ["CategoricalComparisonRequest", "BinaryComparisonRequest"])
        #expect(!comparisons.isEmpty)
        #expect(comparisons == Set(CompareField.known))
    }

    @Test func everyProblemKindIsDocumentedWithItsStatusAndTitle() {
        for kind in ProblemType.allCases {
            #expect(openAPIText.contains("`\(kind.uri)` (\(kind.status)): \(kind.title)\n"), "\(kind.uri)")
        }
        let documented = openAPIText.components(separatedBy: "urn:cross-entropy-service:problem:").dropFirst()
            .map { String($0.prefix { $0.isLetter || $0 == "-" }) }
        #expect(Set(documented).isSubset(of: Set(ProblemType.allCases.map(\.rawValue))))
    }

    @Test func openAPIPathsAreTheRouteTable() {
        let paths = openAPI.keys(under: ["paths"])
        #expect(Set(paths) == Set(ServiceRoute.allCases.map(\.path)))
        for route in ServiceRoute.allCases {
            #expect(openAPI.keys(under: ["paths", route.path]).contains(route.method.lowercased()), "\(route)")
        }
    }

    @Test func readmeRouteTableIsTheRouteTable() {
        let rows = RepositoryFiles.markdownTable(under: "## Routes", in: readme)
        let documented = rows.flatMap { RepositoryFiles.codeSpans($0[0]) }
        #expect(Set(documented) == Set(ServiceRoute.allCases.map { "\($0.method) \($0.path)" }))
    }

    @Test func readmeMetricListIsTheRegistry() {
        let exposition = String(decoding: harness.send("GET", "/metrics").body, as: UTF8.self)
        let families = exposition.split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }
            .map { String($0.split(separator: " ")[2]) }
        let rows = RepositoryFiles.markdownTable(under: "**Metrics.**", in: readme)
        let documented = rows.flatMap { RepositoryFiles.codeSpans($0[0]) }
        #expect(!families.isEmpty)
        #expect(Set(documented) == Set(families))
        // The rejection reasons listed beside their metric are every reason the metric can carry.
        let rejected = rows.first { $0[0] == "`cross_entropy_requests_rejected_total`" }
        #expect(Set(rejected.map { RepositoryFiles.codeSpans($0[2]) } ?? []) == Set(ServiceMetrics.reasons))
    }

    /// The loss histogram keeps edges at each band boundary (to the 3 decimals its `le` labels
    /// show, which dashboards use): a moved band must move its bucket.
    @Test func lossBucketsSitAtTheBandEdges() {
        func rounded(_ bits: Double) -> Double { (bits * 1000).rounded() / 1000 }
        var edges = CategoricalBand.probabilityThresholds.map { rounded(-log2($0.minimum)) }
        edges.append(rounded(log2(3)))  // chance level for 3 classes, the document's example
        edges += BinaryBand.bitThresholds.map(\.maximumBits)
        for edge in edges {
            #expect(ServiceMetrics.lossBitBuckets.contains(edge), "no bucket at \(edge) bits")
        }
    }
}
