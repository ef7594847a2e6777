import Dispatch
import HTTPTransport
import ScoringServer

#if canImport(Glibc)
    import Glibc
#endif

/// The router the real service uses, with its default limits (the body limit is the transport's,
/// and scripts/fuzz.sh caps inputs with -max_len).
private let router = ServiceRoutes.router()
// Eight routes, so that '0'…'7' pick them in order (48 is a multiple of 8).
private let paths = ["/cce", "/bce", "/batch", "/compare", "/cce/lines", "/bce/lines", "/cce/lines", "/bce/lines"]

/// One input: its first byte picks the route ('0' /cce, '1' /bce, '2' /batch, '3' /compare,
/// '4' /cce/lines, '5' /bce/lines, '6' and '7' the same gzip-coded), the rest is the body (JSON
/// Lines are fed to the stream consumer in chunks of a size the first byte also picks). Any answer is fine except a crash, a hang, or an undocumented 5xx (501 and 503
/// are documented answers: an unimplemented coding, an overloaded service).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let route = Int(data[0]) % paths.count
    let path = paths[route]
    let body = UnsafeRawBufferPointer(start: data + 1, count: size - 1)
    if route >= 4 {
        let status = streamLines(path, gzip: route >= 6, body: body, chunk: 1 + Int(data[0]) / paths.count % 9 * 61)
        precondition(status < 500 || [501, 503].contains(status), "answered \(status)")
        return 0
    }
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

/// Feeds `body` to the JSON Lines consumer as the transport would (in `chunk`-byte pieces,
/// waiting for a resume when it takes fewer) and returns the answer's status.
private func streamLines(_ path: String, gzip: Bool, body: UnsafeRawBufferPointer, chunk: Int) -> Int {
    let head = RequestHead(
        method: "POST", path: path, contentType: "application/x-ndjson", contentLength: nil,
        contentEncoding: gzip ? "gzip" : nil)
    guard let endpoint = LinesEndpoint(path: path, metrics: nil) else { return 404 }
    let stream: any BodyStream
    switch endpoint.admit(head, query: nil) {
    case .failure(let problem): return problem.status
    case .success(let admitted): stream = admitted
    }
    let resumed = DispatchSemaphore(value: 0)
    let control = StreamControl(resume: { resumed.signal() }, charge: { _ in true }, release: { _ in })
    var offset = 0
    while offset < body.count {
        let end = min(body.count, offset + chunk)
        let took = stream.take(UnsafeRawBufferPointer(rebasing: body[offset..<end]), control: control)
        if took == 0 { precondition(resumed.wait(timeout: .now() + 10) == .success, "a stream stalled") }
        offset += took
    }
    let answered = DispatchSemaphore(value: 0)
    nonisolated(unsafe) var status = 0
    stream.finish(control: control) { response in
        status = response.status
        answered.signal()
    }
    precondition(answered.wait(timeout: .now() + 10) == .success, "a stream was not answered")
    return status
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
