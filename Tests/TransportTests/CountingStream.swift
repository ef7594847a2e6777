import Dispatch
import HTTPTransport
import Synchronization

/// The test-only consumer of the body-chunk phase: counts the bytes it takes (charging the budget
/// 1 KiB for its state, which it never gives back: the transport must), pauses at random
/// (takes nothing, or part of a chunk, and resumes a little later from another thread), and
/// answers with the count, later, from another thread. With `pauseForever` it takes nothing and
/// never resumes: the connection stays paused until the exchange ends.
final class CountingStream: BodyStream {
    private struct State {
        var count = 0
        var generator: SplitMix
        var cancelled = false
        var finished = false
        var charged = false
    }
    private let state: Locked<State>
    private let pauseForever: Bool
    /// Consumers cancelled, across all the streams of one application.
    let cancellations: Tally

    init(seed: UInt64, pauseForever: Bool = false, cancellations: Tally) {
        self.state = Locked(State(generator: SplitMix(seed: seed)))
        self.pauseForever = pauseForever
        self.cancellations = cancellations
    }

    func take(_ bytes: UnsafeRawBufferPointer, control: StreamControl) -> Int {
        let first = state.withLock { state in
            defer { state.charged = true }
            return !state.charged
        }
        if first { _ = control.charge(1024) }  // fits: the tests set no small budget
        if pauseForever { return 0 }
        let (taken, pause) = state.withLock { state -> (Int, Bool) in
            let roll = state.generator.next() % 4
            // 1 in 4: behind (nothing taken), 1 in 4: part of it, else all of it.
            let taken = roll == 0 ? 0 : roll == 1 ? Int(state.generator.next() % UInt64(bytes.count)) : bytes.count
            state.count += taken
            return (taken, taken < bytes.count)
        }
        if pause {
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(Int.random(in: 1...5))) {
                control.resume()
            }
        }
        return taken
    }

    func finish(control: StreamControl, answer: @escaping @Sendable (HTTPResponse) -> Void) {
        let count = state.withLock { state in
            state.finished = true
            return state.count
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(Int.random(in: 0...5))) {
            answer(HTTPResponse(status: 200, contentType: "text/plain", body: Array("\(count)".utf8)))
        }
    }

    func cancel() {
        state.withLock { $0.cancelled = true }
        cancellations.value.add(1, ordering: .relaxed)
    }
}

/// A small seeded generator: the pauses differ per stream, the same on every run.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// An application with a streamed route: POST /count streams to a `CountingStream`, POST
/// /stall to one that never resumes, GET /healthz answers at its headers.
final class StreamingApplication: HTTPApplication {
    let cancellations = Tally()
    let seeds = Atomic<UInt64>(1)
    let finishedExchanges = Locked<[FinishedExchange]>([])

    func resolve(_ head: RequestHead) -> Resolution {
        switch head.path {
        case "/count":
            let seed = seeds.add(1, ordering: .relaxed).newValue
            return Resolution(
                label: "/count", admission: .stream(CountingStream(seed: seed, cancellations: cancellations)))
        case "/stall":
            return Resolution(
                label: "/stall",
                admission: .stream(CountingStream(seed: 0, pauseForever: true, cancellations: cancellations)))
        default:
            return Resolution(
                label: "/healthz",
                admission: .answer(HTTPResponse(status: 200, contentType: "text/plain", body: Array("ok".utf8))))
        }
    }

    func refuse(_ head: RequestHead, _ refusal: TransportRefusal) -> HTTPResponse {
        HTTPResponse(status: 400, contentType: "text/plain", body: Array("\(refusal)".utf8))
    }

    func finished(_ exchange: FinishedExchange) {
        finishedExchanges.withLock { $0.append(exchange) }
    }
}

/// A counter shared by reference.
final class Tally: Sendable {
    let value = Atomic<Int>(0)
    var count: Int { value.load(ordering: .relaxed) }
}
