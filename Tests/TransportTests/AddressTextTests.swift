import CMicroHTTPDShim
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The client address the access log records: the shim's IPv4 text against glibc's inet_ntop.
@Suite struct AddressTextTests {
    private func text(_ address: UInt32, _ format: (UInt32, UnsafeMutablePointer<CChar>) -> Void) -> String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: Int(INET_ADDRSTRLEN)) { buffer in
            format(address, buffer.baseAddress!)
            return String(cString: buffer.baseAddress!)
        }
    }

    @Test func ipv4TextMatchesInetNtop() {
        var generator = SystemRandomNumberGenerator()
        let edges: [UInt32] = [0, 0xFFFF_FFFF, 0x0100_007F, 0x0A0A_0A0A, 0x6463_0901, 0x0909_6364]
        for address in edges + (0..<5000).map({ _ in UInt32.random(in: 0...UInt32.max, using: &generator) }) {
            let reference = text(address) { value, buffer in
                var raw = in_addr(s_addr: value)
                _ = inet_ntop(AF_INET, &raw, buffer, socklen_t(INET_ADDRSTRLEN))
            }
            #expect(text(address) { cmhd_format_ipv4($0, $1) } == reference)
        }
    }
}
