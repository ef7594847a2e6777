import Dispatch
import Foundation
import HTTPTransport
import TestSupport
import Testing

/// Many clients at once each get their own answer.
@Suite struct ConcurrencyTests {
    @Test func concurrentClientsGetTheirOwnAnswers() throws {
        let port = ServiceProcess.shared.port
        let clients = 16
        let requestsEach = 25
        let mismatches = Locked<[String]>([])
        DispatchQueue.concurrentPerform(iterations: clients) { client in
            do {
                let connection = try HTTPConnection(port: port)
                for k in 0..<requestsEach {
                    // A distinct probability for each request: the loss is -log2(p).
                    let p = Double(client * requestsEach + k + 1) / Double(clients * requestsEach + 2)
                    let body = "{\"predictions\":[[\(p),\(1 - p)]],\"labels\":[0]}"
                    try connection.send(
                        "POST", "/cce", headers: [("Content-Type", "application/json")], body: Array(body.utf8))
                    let answer = try connection.readResponse()
                    if answer.json["loss"]?.double != -log2(p) {
                        mismatches.withLock { $0.append("client \(client) request \(k): \(answer.text)") }
                    }
                }
            } catch {
                mismatches.withLock { $0.append("client \(client): \(error)") }
            }
        }
        #expect(mismatches.withLock { $0 } == [])
    }
}
