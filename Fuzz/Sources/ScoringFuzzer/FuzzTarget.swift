import HTTPTransport
import ScoringServer

#if canImport(Glibc)
    import Glibc
#endif

/// The router the real service uses, with its default limits (the body limit is the transport's,
/// and scripts/fuzz.sh caps inputs with -max_len).
private let router = ServiceRoutes.router()
private let paths = ["/cce", "/bce", "/batch", "/compare"]

/// One input: its first byte picks the route ('0' /cce, '1' /bce, '2' /batch, '3' /compare), the rest is
/// the body. Any answer is fine except a crash, a hang, or an undocumented 5xx (501 and 503
/// are documented answers: an unimplemented coding, an overloaded service).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let path = paths[Int(data[0]) % paths.count]
    let body = UnsafeRawBufferPointer(start: data + 1, count: size - 1)
    let head = RequestHead(
        method: "POST",
        path: path,
        contentType: "application/json",
        contentLength: UInt64(size - 1)
    )
    var status = 0
    let elapsed = ContinuousClock().measure { status = router.handle(head, body: body).status }
    precondition(status < 500 || [501, 503].contains(status), "answered \(status)")
    if let slow = slowThreshold, elapsed > slow { keepSlowInput(data, size, elapsed) }
    return 0
}

/// libFuzzer reports slow inputs in whole seconds only: with FUZZ_SLOW_MS set, an input that
/// takes longer (under this debug, AddressSanitizer build) is written to artifacts/ as
/// slow-<ms>ms-<n> and reported with "SLOW INPUT", and the run goes on.
private let slowThreshold: Duration? = getenv("FUZZ_SLOW_MS").flatMap { Int(String(cString: $0)) }.map {
    .milliseconds($0)
}
nonisolated(unsafe) private var slowCount = 0

private func keepSlowInput(_ data: UnsafePointer<UInt8>, _ size: Int, _ elapsed: Duration) {
    slowCount += 1
    let milliseconds = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
    let path = "artifacts/slow-\(milliseconds)ms-\(slowCount)"
    if let file = fopen(path, "wb") {
        fwrite(data, 1, size, file)
        fclose(file)
    }
    print("SLOW INPUT: \(milliseconds) ms, \(size) bytes, written to \(path)")
}

/// libFuzzer's driver, started from the entry point SwiftPM gives every executable target
/// (`<Target>_main`): SwiftPM links that in as `main`, so libFuzzer's own `main` is not used.
@_silgen_name("LLVMFuzzerRunDriver")
private func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt

@_cdecl("ScoringFuzzer_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    var count = argc
    var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return runFuzzerDriver(&count, &arguments) { data, size in fuzzOneInput(data, size) }
}
