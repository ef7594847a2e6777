// The decoder floor (bench/floor.sh builds it against one revision; not part of the package):
// the service's own transport (HTTPServer on libmicrohttpd, the same threading) and its own
// decode entry (DecodeFloor: JSONBody with the scoring body's Decodable types and the
// duplicate-member check), answering a fixed body. Usage: DecodeFloor PORT [THREADS], or with
// the service's flags (`--host 127.0.0.1 --port PORT`, THREADS from the environment) so the
// scripts that drive the service (bench/instructions.py) drive it too.
import HTTPTransport
import MicroHTTPDServer
import ScoringServer

#if canImport(Glibc)
    import Glibc
#endif

struct FloorApplication: HTTPApplication {
    func resolve(_ head: RequestHead) -> Resolution {
        // The scoring routes' memory factor, so the budget does what the service's does.
        Resolution(label: "/cce", admission: .buffer(memoryPerByte: 26) { _, body in DecodeFloor.respond(body) })
    }

    func refuse(_ head: RequestHead, _ refusal: TransportRefusal) -> HTTPResponse {
        HTTPResponse(status: 400, contentType: "text/plain", body: Array("refused\n".utf8))
    }
}

let arguments = CommandLine.arguments
let port: UInt16
let threads: Int
if let flag = arguments.firstIndex(of: "--port"), flag + 1 < arguments.count {
    port = UInt16(arguments[flag + 1]) ?? 0
    threads = getenv("THREADS").flatMap { Int(String(cString: $0)) } ?? 2
} else {
    port = arguments.count > 1 ? UInt16(arguments[1]) ?? 0 : 0
    threads = arguments.count > 2 ? Int(arguments[2]) ?? 2 : 2
}
let server = try HTTPServer(
    configuration: ServerConfiguration(host: "127.0.0.1", port: port, threads: threads),
    application: FloorApplication())
// Straight to the descriptor: stdout is block-buffered in a pipe.
let line = Array("listening on http://127.0.0.1:\(server.port)\n".utf8)
_ = line.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
while true { pause() }
