import HTTPTransport
import ScoringServer

/// The router the real service uses, with a 1 MiB body limit.
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
        contentLength: UInt64(size - 1),
        contentLengthCount: 1
    )
    let response = router.handle(head, body: body)
    precondition(response.status < 500 || [501, 503].contains(response.status), "answered \(response.status)")
    return 0
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
