import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A deliberately small HTTP/1.1 client over a POSIX socket, so tests control every byte:
/// duplicate headers, chunked bodies, `Expect: 100-continue`, half-sent bodies.
public final class HTTPConnection: @unchecked Sendable {  // used by one thread at a time
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    private let socket: Int32
    private var buffer: [UInt8] = []

    public init(port: UInt16, host: String = "127.0.0.1", timeoutSeconds: Int = 60) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw Failure(description: "socket() failed") }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        inet_pton(AF_INET, host, &address.sin_addr)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            Glibc.close(socket)
            throw Failure(description: "cannot connect to \(host):\(port)")
        }
    }

    deinit { Glibc.close(socket) }

    /// Ends the connection now (both directions), as a client that goes away.
    public func close() { shutdown(socket, Int32(SHUT_RDWR)) }

    public func send(_ text: String) throws { try send(Array(text.utf8)) }

    public func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { throw Failure(description: "send failed (errno \(errno))") }
            offset += sent
        }
    }

    /// Sends a whole request with Content-Length (unless the headers say otherwise).
    public func send(
        _ method: String,
        _ path: String,
        headers: [(String, String)] = [],
        body: [UInt8] = []
    ) throws {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: localhost\r\n"
        var names = Set<String>()
        for (name, value) in headers {
            head += "\(name): \(value)\r\n"
            names.insert(name.lowercased())
        }
        if !names.contains("content-length") && !names.contains("transfer-encoding")
            && (!body.isEmpty || method == "POST")
        {
            head += "Content-Length: \(body.count)\r\n"
        }
        try send(Array((head + "\r\n").utf8) + body)
    }

    /// Reads one response (skipping `100 Continue` unless asked for interim responses).
    public func readResponse(skipContinue: Bool = true) throws -> HTTPAnswer {
        while true {
            let headEnd = try readUntil([13, 10, 13, 10])
            let headText = String(decoding: buffer[..<headEnd], as: UTF8.self)
            buffer.removeFirst(headEnd + 4)
            var lines = headText.components(separatedBy: "\r\n")
            let statusLine = lines.removeFirst().split(separator: " ")
            guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
                throw Failure(description: "bad status line: \(headText)")
            }
            let headers = lines.compactMap { line -> (String, String)? in
                guard let colon = line.firstIndex(of: ":") else { return nil }
                return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            }
            if status == 100 {
                if skipContinue { continue }
                return HTTPAnswer(status: 100, headers: headers, body: [])
            }
            let length = headers.first { $0.0.lowercased() == "content-length" }.flatMap { Int($0.1) } ?? 0
            try fill(length)
            let body = Array(buffer[..<length])
            buffer.removeFirst(length)
            return HTTPAnswer(status: status, headers: headers, body: body)
        }
    }

    /// Every byte the server sends until it closes the connection (or the read times out),
    /// unparsed: to count status lines.
    public func readUntilClosed() -> [UInt8] {
        var all = buffer
        buffer.removeAll()
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let received = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if received <= 0 { return all }
            all.append(contentsOf: chunk[..<received])
        }
    }

    /// True when the server has closed the connection (reads end of stream).
    public func isClosedByPeer() -> Bool {
        var byte: UInt8 = 0
        return recv(socket, &byte, 1, 0) == 0
    }

    private func readUntil(_ marker: [UInt8]) throws -> Int {
        while true {
            if buffer.count >= marker.count {
                for start in 0...(buffer.count - marker.count)
                where buffer[start..<start + marker.count].elementsEqual(marker) {
                    return start
                }
            }
            try receive()
        }
    }

    private func fill(_ count: Int) throws {
        while buffer.count < count { try receive() }
    }

    private func receive() throws {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let received = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
        guard received > 0 else {
            throw Failure(description: received == 0 ? "connection closed" : "recv failed (errno \(errno))")
        }
        buffer.append(contentsOf: chunk[..<received])
    }
}

/// One HTTP response: read from a socket, or made by the router without one (the one answer
/// type of the tests).
public struct HTTPAnswer: Sendable {
    public let status: Int
    public let headers: [(name: String, value: String)]
    public let body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    public var contentType: String? { header("Content-Type") }
    public var json: JSONValue { JSONValue.parse(body) }
    public var text: String { String(decoding: body, as: UTF8.self) }
    /// The pointers of a problem answer's errors.
    public var pointers: [String] { json.problemPointers }
    /// The details of a problem answer's errors.
    public var details: [String] { json.problemDetails }
}

/// One request on a fresh connection.
public func httpRequest(
    port: UInt16,
    _ method: String,
    _ path: String,
    json: String? = nil,
    headers: [(String, String)] = []
) throws -> HTTPAnswer {
    let connection = try HTTPConnection(port: port)
    var allHeaders = headers
    if json != nil && !headers.contains(where: { $0.0.lowercased() == "content-type" }) {
        allHeaders.append(("Content-Type", "application/json"))
    }
    try connection.send(method, path, headers: allHeaders, body: Array((json ?? "").utf8))
    return try connection.readResponse()
}
