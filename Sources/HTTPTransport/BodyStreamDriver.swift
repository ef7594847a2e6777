import Dispatch

/// Feeds a whole body to a `BodyStream` and waits for its answer, for callers without a
/// transport (`Router.handle`, tests, the fuzzer): pieces of `chunkSize` bytes, a pause while
/// the consumer is behind (this thread waits, which a transport thread never does), no memory
/// budget (every charge fits).
public enum BodyStreamDriver {
    /// The answer `stream` gives to `body`.
    public static func answer(
        _ stream: any BodyStream, body: UnsafeRawBufferPointer, chunkSize: Int = 32 * 1024
    ) -> HTTPResponse {
        let wake = DispatchSemaphore(value: 0)
        let control = StreamControl(resume: { wake.signal() }, charge: { _, _ in true }, release: { _ in })
        var offset = 0
        while offset < body.count {
            let piece = UnsafeRawBufferPointer(rebasing: body[offset..<min(offset + max(chunkSize, 1), body.count)])
            let taken = min(max(stream.take(piece, control: control), 0), piece.count)
            offset += taken
            if taken < piece.count { wake.wait() }  // a stale resume only makes it offer again
        }
        let answer = Locked<HTTPResponse?>(nil)
        stream.finish(control: control) { response in
            answer.withLock { if $0 == nil { $0 = response } }
            wake.signal()
        }
        while true {
            if let response = answer.withLock({ $0 }) { return response }
            wake.wait()
        }
    }
}
