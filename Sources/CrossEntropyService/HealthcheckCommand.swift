import ArgumentParser

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `cross-entropy-service healthcheck`: GET /healthz on this machine, exit 0 when it answers
/// 200 and 1 otherwise. The slim container image has no curl; Docker's HEALTHCHECK runs this.
struct HealthcheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cross-entropy-service healthcheck",
        abstract: "Exit 0 when the service on this machine answers GET /healthz with 200, else 1."
    )

    @Option(
        name: .customLong(ServiceOptions.port.name),
        help: ServiceOptions.port.argumentHelp("Port of the running service"))
    var port: Int?

    @Option(help: "Seconds to wait for the answer.")
    var timeout: Int = 3

    func run() throws {
        // A port the service itself would refuse cannot be healthy.
        guard let port = try? ServiceOptions.port.resolve(port, environment: Environment.current) else {
            throw ExitCode(1)
        }
        let healthy = (try? probe(port: UInt16(clamping: port))) ?? false
        throw ExitCode(healthy ? 0 : 1)
    }

    /// Sends a minimal HTTP/1.1 request over loopback and reads the status line.
    private func probe(port: UInt16) throws -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var limit = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { return false }
        let request = Array("GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".utf8)
        guard
            request.withUnsafeBytes({ send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) })
                == request.count
        else { return false }
        var reply = [UInt8](repeating: 0, count: 64)
        let received = reply.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        guard received >= 12 else { return false }
        return String(decoding: reply[..<12], as: UTF8.self) == "HTTP/1.1 200"
    }
}
