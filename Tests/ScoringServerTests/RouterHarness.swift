import HTTPTransport
import TestSupport

@testable import ScoringServer

/// Answers requests through the router directly (no sockets): decode, validate, score, write.
struct RouterHarness {
    /// The default router; a test may give one built from other dependencies.
    var router = ServiceRoutes.router()

    struct Answer {
        let status: Int
        let contentType: String
        let headers: [(name: String, value: String)]
        let body: [UInt8]

        var json: JSONValue { JSONValue.parse(body) }
        var pointers: [String] { json.problemPointers }
        var details: [String] { json.problemDetails }
    }

    func send(
        _ method: String,
        _ path: String,
        body: String = "",
        bytes: [UInt8]? = nil,
        contentType: String? = "application/json",
        contentEncoding: String? = nil,
        contentLength: UInt64? = nil
    ) -> Answer {
        let bytes = bytes ?? Array(body.utf8)
        let head = RequestHead(
            method: method,
            path: path,
            contentType: contentType,
            contentLength: contentLength ?? UInt64(bytes.count),
            contentEncoding: contentEncoding
        )
        let response = bytes.withUnsafeBytes { router.handle(head, body: $0) }
        return Answer(
            status: response.status,
            contentType: response.contentType,
            headers: response.headers,
            body: response.body
        )
    }

    func post(_ path: String, _ body: String) -> Answer { send("POST", path, body: body) }
}
