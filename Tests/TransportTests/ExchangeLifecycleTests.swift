import HTTPTransport
import MicroHTTPDServer
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A test application of the transport's own: POST /count answers how many body bytes it got,
/// POST /fail throws a failure of its own type, anything else is a 404 at the headers. It counts
/// how often routes are resolved and what `finished` is told.
final class CountingApplication: HTTPApplication {
    struct Refused: HTTPFailure {
        var status: Int { 422 }
        var reason: String { "refused_by_test" }
        var body: [UInt8] { Array("refused".utf8) }
        var contentType: String { "text/plain" }
        var kind: String { "test:refused" }
        var detail: String { "the test handler refused" }
    }

    let resolutions = Atomic<Int>(0)
    let finishedExchanges = Locked<[FinishedExchange]>([])
    let contexts = Locked<[(id: String, path: String)]>([])

    func resolve(_ head: RequestHead) -> Resolution {
        resolutions.add(1, ordering: .relaxed)
        switch head.path {
        case "/count":
            return Resolution(
                label: "/count",
                admission: .buffer(memoryPerByte: 2) { [self] context, body in
                    contexts.withLock { $0.append((context.requestID, context.head.path)) }
                    return HTTPResponse(status: 200, contentType: "text/plain", body: Array("\(body.count)".utf8))
                })
        case "/fail":
            return Resolution(label: "/fail", admission: .buffer(memoryPerByte: 1) { _, _ in throw Refused() })
        default:
            return Resolution(
                label: "other", admission: .answer(HTTPResponse(status: 404, contentType: "text/plain", body: [])))
        }
    }

    func refuse(_ head: RequestHead, _ refusal: TransportRefusal) -> HTTPResponse {
        HTTPResponse(status: 400, contentType: "text/plain", body: Array("\(refusal)".utf8))
    }

    func finished(_ exchange: FinishedExchange) {
        finishedExchanges.withLock { $0.append(exchange) }
    }
}

/// Waits (bounded: 10 s) until `condition` holds; the exchange ends on a transport thread.
func eventually(_ condition: () -> Bool) -> Bool {
    for _ in 0..<1000 {
        if condition() { return true }
        usleep(10_000)
    }
    return condition()
}

/// The exchange made once at the headers: one resolution per request, the handler's context,
/// a thrown failure answered through `HTTPFailure`, and the exchange released (and the budget
/// back at 0) whether the request was answered or aborted.
@Suite(.serialized) struct ExchangeLifecycleTests {
    let application = CountingApplication()
    let server: HTTPServer

    init() throws {
        server = try HTTPServer(
            configuration: ServerConfiguration(host: "127.0.0.1", port: 0, threads: 2), application: application)
    }

    @Test func anAnsweredExchangeIsResolvedOnceAndReleased() throws {
        let answer = try httpRequest(
            port: server.port, "POST", "/count", json: "12345", headers: [("X-Request-Id", "abc-1")])
        #expect(answer.status == 200)
        #expect(answer.text == "5")
        #expect(answer.header("X-Request-Id") == "abc-1")
        #expect(eventually { server.exchangesAlive == 0 && server.memoryCharged == 0 })
        #expect(application.resolutions.load(ordering: .relaxed) == 1)
        let contexts = application.contexts.withLock { $0 }
        #expect(contexts.map(\.id) == ["abc-1"])
        #expect(contexts.map(\.path) == ["/count"])
        let finished = application.finishedExchanges.withLock { $0 }
        #expect(finished.count == 1)
        #expect(finished.first?.route == "/count")
        #expect(finished.first?.bytesIn == 5)
    }

    @Test func anAbortedExchangeIsReleasedAndItsChargeGivenBack() throws {
        let connection = try HTTPConnection(port: server.port)
        try connection.send(
            "POST /count HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100000\r\n\r\n"
                + String(repeating: "x", count: 70000))
        #expect(eventually { server.memoryCharged > 0 })  // its buffer is charged as it arrives
        #expect(server.exchangesAlive == 1)
        connection.close()
        #expect(eventually { server.exchangesAlive == 0 && server.memoryCharged == 0 })
        let finished = application.finishedExchanges.withLock { $0 }
        #expect(finished.count == 1)
        guard case .closed(let reason)? = finished.first?.outcome else {
            Issue.record("the abort was not reported as a close")
            return
        }
        #expect(reason == .aborted)
    }

    @Test func aThrownFailureIsAnsweredThroughItsProtocol() throws {
        let answer = try httpRequest(port: server.port, "POST", "/fail", json: "{}")
        #expect(answer.status == 422)
        #expect(answer.text == "refused")
        #expect(answer.header("Content-Type") == "text/plain")
        #expect(eventually { server.exchangesAlive == 0 })
        let finished = application.finishedExchanges.withLock { $0 }
        #expect(finished.first?.failureReason == "refused_by_test")
    }

    @Test func anEarlyAnswerIsReleasedToo() throws {
        let answer = try httpRequest(port: server.port, "GET", "/elsewhere")
        #expect(answer.status == 404)
        #expect(eventually { server.exchangesAlive == 0 && server.memoryCharged == 0 })
        #expect(application.finishedExchanges.withLock { $0 }.first?.route == "other")
    }
}

extension FinishedExchange {
    var failureReason: String? {
        if case .answered(let response) = outcome { return response.failure?.reason }
        return nil
    }
}
