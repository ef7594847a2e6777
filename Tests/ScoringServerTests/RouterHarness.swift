import HTTPTransport
import TestSupport

@testable import ScoringServer

/// Answers requests through the router directly (no sockets): decode, validate, score, write.
struct RouterHarness {
    /// The default router; a test may give one built from other dependencies.
    var router = ServiceRoutes.router()

    func send(
        _ method: String,
        _ path: String,
        body: String = "",
        bytes: [UInt8]? = nil,
        contentType: String? = "application/json",
        contentEncoding: String? = nil,
        contentLength: UInt64? = nil
    ) -> HTTPAnswer {
        let bytes = bytes ?? Array(body.utf8)
        let head = RequestHead(
            method: method,
            path: path,
            contentType: contentType,
            contentLength: contentLength ?? UInt64(bytes.count),
            contentEncoding: contentEncoding
        )
        let response = bytes.withUnsafeBytes { router.handle(head, body: $0) }
        return HTTPAnswer(
            status: response.status,
            headers: [(name: "Content-Type", value: response.contentType)] + response.headers,
            body: response.body
        )
    }

    func post(_ path: String, _ body: String) -> HTTPAnswer { send("POST", path, body: body) }
}
