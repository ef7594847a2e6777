import HTTPTransport
import MicroHTTPDServer
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The body-chunk phase through the real transport, with the test consumer of CountingStream.swift:
/// every byte counted once across random pauses, for both framings; an abort mid-body and a stop
/// while paused end every exchange (consumers cancelled, budget and exchanges back at 0); hundreds
/// of paused connections hold no thread, so /healthz still answers.
@Suite(.serialized) struct BodyChunkPhaseTests {
    let application = StreamingApplication()

    private func start(connectionLimit: Int = 0) throws -> HTTPServer {
        try HTTPServer(
            configuration: ServerConfiguration(
                host: "127.0.0.1", port: 0, threads: 2, connectionLimit: connectionLimit),
            application: application)
    }

    private static func body(_ count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31) }
    }

    @Test(arguments: [0, 1, 100_000, 1_000_000])
    func aContentLengthBodyIsCountedAcrossPauses(size: Int) throws {
        let server = try start()
        let connection = try HTTPConnection(port: server.port)
        try connection.send("POST", "/count", headers: [("Content-Length", "\(size)")], body: Self.body(size))
        let answer = try connection.readResponse()
        #expect(answer.status == 200)
        #expect(answer.text == "\(size)")
        #expect(eventually { server.exchangesAlive == 0 && server.memoryCharged == 0 && server.requestsPaused == 0 })
        #expect(application.cancellations.count == 0)
        server.stop()
    }

    /// Without sockets (`Router.handle` streams through the driver): the same consumer, the same count.
    @Test func theDriverFeedsAWholeBodyAcrossPauses() {
        let body = Self.body(200_000)
        let answer = body.withUnsafeBytes {
            BodyStreamDriver.answer(CountingStream(seed: 7, cancellations: Tally()), body: $0, chunkSize: 10_000)
        }
        #expect(answer.status == 200)
        #expect(String(decoding: answer.body, as: UTF8.self) == "200000")
    }

    @Test func aChunkedBodyIsCountedAcrossPauses() throws {
        let server = try start()
        let connection = try HTTPConnection(port: server.port)
        var wire = Array("POST /count HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
        var total = 0
        for size in [1, 5000, 40000, 70000, 3, 123_456] {
            wire += Array(String(size, radix: 16).utf8) + [13, 10] + Self.body(size) + [13, 10]
            total += size
        }
        wire += Array("0\r\n\r\n".utf8)
        try connection.send(wire)
        let answer = try connection.readResponse()
        #expect(answer.status == 200)
        #expect(answer.text == "\(total)")
        // The same connection serves the next request.
        try connection.send("POST", "/count", body: Self.body(10))
        #expect(try connection.readResponse().text == "10")
        #expect(eventually { server.exchangesAlive == 0 && server.memoryCharged == 0 })
        server.stop()
    }

    @Test func aStreamPastTheBodyLimitIsCancelledAndRefused() throws {
        let server = try HTTPServer(
            configuration: ServerConfiguration(host: "127.0.0.1", port: 0, threads: 2, maxBodyBytes: 50_000),
            application: application)
        // Declared too large: refused at the headers, no consumer work.
        let declared = try HTTPConnection(port: server.port)
        try declared.send(Array("POST /count HTTP/1.1\r\nHost: localhost\r\nContent-Length: 60000\r\n\r\n".utf8))
        #expect(try declared.readResponse().text == "bodyTooLarge(limit: 50000)")
        // Chunked, growing past it: the consumer is cancelled, the rest read and dropped, then refused.
        let grown = try HTTPConnection(port: server.port)
        var wire = Array("POST /count HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
        for _ in 0..<3 { wire += Array("7530\r\n".utf8) + Self.body(30000) + [13, 10] }
        wire += Array("0\r\n\r\n".utf8)
        try grown.send(wire)
        #expect(try grown.readResponse().text == "bodyTooLarge(limit: 50000)")
        #expect(application.cancellations.count == 1)
        #expect(eventually { server.exchangesAlive == 0 && server.memoryCharged == 0 })
        server.stop()
    }

    @Test func anAbortWhilePausedCancelsTheConsumerAndReleasesTheExchange() throws {
        let server = try start()
        let connection = try HTTPConnection(port: server.port)
        try connection.send(
            Array("POST /stall HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100000\r\n\r\n".utf8) + Self.body(5000))
        #expect(eventually { server.requestsPaused == 1 })
        // A paused connection is not polled: the transport learns of the abort when it resumes it,
        // here at stop. A stream that is not paused learns at once.
        let moving = try HTTPConnection(port: server.port)
        try moving.send(
            Array("POST /count HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100000\r\n\r\n".utf8) + Self.body(5000))
        #expect(eventually { server.exchangesAlive == 2 })
        moving.close()
        #expect(eventually { application.cancellations.count == 1 })
        #expect(eventually { server.exchangesAlive == 1 })
        connection.close()
        server.stop()
        #expect(application.cancellations.count == 2)
        #expect(server.exchangesAlive == 0)
        let closes = application.finishedExchanges.withLock { $0 }.filter {
            if case .closed(.aborted) = $0.outcome { return true }
            return false
        }
        #expect(closes.count == 2)
    }

    @Test func stopWhilePausedResumesAndClosesEveryPausedExchange() throws {
        let server = try start()
        var connections: [HTTPConnection] = []
        for _ in 0..<8 {
            let connection = try HTTPConnection(port: server.port)
            try connection.send(
                Array("POST /stall HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n".utf8)
                    + Self.body(16) + [13, 10])
            connections.append(connection)
        }
        #expect(eventually { server.requestsPaused == 8 })
        #expect(server.memoryCharged == 8 * 1024)  // each consumer's own charge
        server.stop()  // would abort the process if a connection were still suspended
        #expect(application.cancellations.count == 8)
        #expect(server.exchangesAlive == 0)
        for connection in connections { #expect(connection.readUntilClosed().isEmpty) }
    }

    @Test func hundredsOfPausedConnectionsLeaveTheServerAnswering() throws {
        let paused = 400
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        let needed = rlim_t(4 * paused + 256)  // both ends of every connection live in this process
        if limit.rlim_cur < needed {
            limit.rlim_cur = min(needed, limit.rlim_max)
            setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        try #require(limit.rlim_cur >= needed, "the descriptor limit cannot be raised to \(needed)")
        let server = try start(connectionLimit: 2 * paused)
        var connections: [HTTPConnection] = []
        for _ in 0..<paused {
            let connection = try HTTPConnection(port: server.port)
            try connection.send(
                Array("POST /stall HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000\r\n\r\n".utf8) + Self.body(10))
            connections.append(connection)
        }
        #expect(eventually { server.requestsPaused == paused })
        for _ in 0..<5 {
            let answer = try httpRequest(port: server.port, "GET", "/healthz")
            #expect(answer.status == 200)
        }
        let counted = try HTTPConnection(port: server.port)
        try counted.send("POST", "/count", body: Self.body(50_000))
        #expect(try counted.readResponse().text == "50000")
        server.stop()
        #expect(application.cancellations.count == paused)
        #expect(server.exchangesAlive == 0)
    }
}
