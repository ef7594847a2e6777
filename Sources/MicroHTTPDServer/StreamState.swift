import CMicroHTTPDShim
import HTTPTransport

/// A streamed exchange's side of the body-chunk phase: the consumer, the `StreamControl` it is
/// given, and what may be reached from any thread (the C request, until it ends; the answer).
final class StreamState: Sendable {
    let consumer: any BodyStream

    private struct Shared: ~Copyable {
        /// The C request's address; 0 once it ENDED (a late resume, charge or answer then does
        /// nothing). An integer: a pointer is not Sendable.
        var address: UInt
        var request: OpaquePointer? { OpaquePointer(bitPattern: address) }
        var answer: HTTPResponse?
        var delivered = false
        var finishCalled = false
        var cancelled = false
    }
    private let shared: Locked<Shared>

    init(consumer: any BodyStream, request: OpaquePointer) {
        self.consumer = consumer
        self.shared = Locked(Shared(address: UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(request)))))
    }

    /// What the consumer may ask of the transport. Weak: a consumer that keeps it past the end
    /// of its exchange holds nothing and reaches nothing.
    var control: StreamControl {
        StreamControl(
            resume: { [weak self] in self?.resume() },
            charge: { [weak self] bytes, waits in self?.charge(bytes, waits: waits) ?? false },
            release: { [weak self] bytes in self?.release(bytes) })
    }

    private func resume() {
        shared.withLock { if let request = $0.request { cmhd_request_resume(request) } }
    }

    private func charge(_ bytes: UInt64, waits: Bool) -> Bool {
        shared.withLock { state in state.request.map { cmhd_request_charge($0, bytes, waits) } ?? false }
    }

    private func release(_ bytes: UInt64) {
        shared.withLock { if let request = $0.request { cmhd_request_release(request, bytes) } }
    }

    /// COMPLETE phase: calls `finish` once; the answer if it is ready (else the connection pauses
    /// until the consumer answers, which resumes it).
    func finishOrAnswer() -> HTTPResponse? {
        let first = shared.withLock { state in
            defer { state.finishCalled = true }
            return !state.finishCalled
        }
        if first {
            consumer.finish(control: control) { [weak self] response in self?.deliver(response) }
        }
        return shared.withLock { $0.answer.take() }
    }

    private func deliver(_ response: HTTPResponse) {
        shared.withLock { state in
            guard let request = state.request, !state.delivered, !state.cancelled else { return }
            state.delivered = true
            state.answer = response
            cmhd_request_resume(request)
        }
    }

    /// The exchange ends without the consumer's answer: `cancel` once.
    func cancel() {
        let first = shared.withLock { state in
            defer { state.cancelled = true }
            return !state.cancelled
        }
        if first { consumer.cancel() }
    }

    /// ENDED: the C request is gone from here on.
    func end() {
        shared.withLock { $0.address = 0 }
    }
}
