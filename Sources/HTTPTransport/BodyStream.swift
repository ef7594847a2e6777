/// The consumer of a streamed request body (the body-chunk phase): the transport hands it each
/// chunk as libmicrohttpd delivers it (at most 32 KiB) and takes its answer after the last byte.
///
/// The contract, which keeps every libmicrohttpd thread free of Swift work it would wait on:
/// - `take` is called on a transport thread, never concurrently for one exchange. It returns how
///   many leading bytes it took. Fewer than offered means "behind": the transport suspends the
///   connection (no thread waits) and offers the rest again once `resume()` of the `StreamControl`
///   has been called, from any thread. A consumer that took nothing must call `resume()` later.
/// - `finish` is called once after the last byte was taken; the consumer calls `answer` exactly
///   once, from any thread, when its answer is ready (0.9.75 can answer only at the end of a
///   body: errors found mid-body are held until then, the rest of the body read and dropped).
/// - `cancel` is called instead when the exchange ends without an answer (the client left, a slow
///   body was cut, the server stops or drains): drop everything; `answer` may still be called
///   and is then ignored.
/// Memory the consumer holds beyond the chunk it is given is charged through `StreamControl`.
public protocol BodyStream: AnyObject, Sendable {
    /// Offers the next bytes of the body; returns how many leading bytes were taken (0...count).
    func take(_ bytes: UnsafeRawBufferPointer, control: StreamControl) -> Int
    /// The body is complete: call `answer` once when the answer is ready.
    func finish(control: StreamControl, answer: @escaping @Sendable (HTTPResponse) -> Void)
    /// The exchange ended without an answer: drop all work and memory.
    func cancel()
    /// The most body bytes this consumer reads (as sent, before any content coding is undone);
    /// nil for the transport's `--max-body-bytes`. A stream that bounds itself (JSON Lines:
    /// `--max-stream-bytes`) is not cut by the limit meant for bodies held whole.
    var maxBodyBytes: UInt64? { get }
}

extension BodyStream {
    /// The transport's limit.
    public var maxBodyBytes: UInt64? { nil }
}

/// What a `BodyStream` may ask of the transport for its exchange, from any thread.
public struct StreamControl: Sendable {
    private let resumeAction: @Sendable () -> Void
    private let chargeAction: @Sendable (UInt64, Bool) -> Bool
    private let releaseAction: @Sendable (UInt64) -> Void

    /// Made by the transport (and by tests, with closures of their own).
    public init(
        resume: @escaping @Sendable () -> Void, charge: @escaping @Sendable (UInt64, Bool) -> Bool,
        release: @escaping @Sendable (UInt64) -> Void
    ) {
        self.resumeAction = resume
        self.chargeAction = charge
        self.releaseAction = release
    }

    /// The consumer can take more: offer the bytes it left (a no-op when nothing is paused).
    public func resume() { resumeAction() }
    /// Charges `bytes` to the memory budget if they fit now; false when they do not (pause and
    /// try again after some work completes, rather than refuse). `waits`: the consumer will ask
    /// again until they fit, so the budget keeps room for the oldest such refused charge, which
    /// smaller charges of other requests would otherwise take first at every release. Leave it
    /// false for a charge that is merely tried (a buffer kept for reuse).
    public func charge(_ bytes: UInt64, waits: Bool = false) -> Bool { chargeAction(bytes, waits) }
    /// Gives back `bytes` charged earlier.
    public func release(_ bytes: UInt64) { releaseAction(bytes) }
}
