import Foundation
import TestSupport
import Testing

/// openapi.yaml describes every route the service serves (its validity is checked by
/// openapi-spec-validator in scripts/test.sh).
@Suite struct OpenAPIDocumentTests {
    @Test func everyRouteIsDocumented() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "../../openapi.yaml")
        let document = try String(contentsOf: url, encoding: .utf8)
        let routes = try httpRequest(port: ServiceProcess.shared.port, "GET", "/").json["routes"]?.strings ?? []
        #expect(routes.count >= 6)
        for route in routes {
            let parts = route.split(separator: " ")
            let path = String(parts[1])
            let method = parts[0].lowercased()
            guard let pathRange = document.range(of: "\n  \(path):\n") else {
                Issue.record("\(path) is not in openapi.yaml")
                continue
            }
            let after = document[pathRange.upperBound...]
            #expect(after.hasPrefix("    \(method):"), "\(route) is not documented")
        }
    }
}
