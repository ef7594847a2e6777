import CrossEntropy
import Dispatch
import HTTPTransport

/// The consumer of a JSON Lines body (`POST /cce/lines`, `POST /bce/lines`): lines are framed as
/// the bytes arrive, cut into batches bounded in bytes, decoded on the worker pool (a bounded
/// number in flight, each charged to the memory budget while it is decoded) and merged in line
/// order into a `CategoricalStream` or `BinaryStream`, so the answer is the JSON path's for the
/// same samples. The first failing line (the lowest, whatever order batches finish in) stops
/// scoring; the rest of the body is read and dropped, and answered at the end.
///
/// Memory: the bytes held before decoding (the unfinished line, the open batch, full batches
/// waiting for the window) are charged at factor 1 as they are held, each batch at
/// `memoryPerBatchByte` while it decodes. A batch is one buffer (`LineBatch`), reused for later
/// batches; one `take` frames at most `LineLimits.bytesPerTake` bytes (inflated, for gzip), so
/// a highly compressed chunk is inflated a piece per call, between the connection's other work.
public final class LinesStream: BodyStream {
    private struct Batch: Sendable {
        var sequence: Int
        var lines: LineBatch
        var charged: UInt64 = 0
        var bytes: Int { lines.byteCount }
    }

    private enum Decoded: Sendable {
        case job(index: Int, ScoringJob)
        case problem(Problem)
    }

    /// What `take` and `finish` share with the workers.
    private struct State {
        var framer: LineFramer
        var batch: Batch
        /// Full batches the window or the budget could not take yet, in order (at most one
        /// transport chunk's worth: `take` takes nothing while any wait).
        var waiting: [Batch] = []
        var dispatched = 0
        var inFlight = 0
        var taken: UInt64 = 0
        var paused = false
        var stopped = false
        var cancelled = false
        var finished = false
        var answer: (@Sendable (HTTPResponse) -> Void)?
        var control: StreamControl?
        /// The answer, once known (an error found, or everything merged after `finish`).
        var outcome: HTTPResponse?
        var answered = false
        /// Since when (uptime nanoseconds) the budget has refused this stream with nothing of it
        /// decoding; nil while it is taken.
        var refusedSince: UInt64?
        /// A retry is scheduled (one at a time, whatever called `refused`).
        var retryPending = false
        /// Charged at factor 1 for the bytes held before decoding (`heldBytes`), or ahead of them.
        var heldCharge: UInt64 = 0
        /// The buffers of decoded batches, for the next batches, and their charge (their
        /// room, at factor 1: a stream that stalls must not keep memory the budget does not see).
        var spare: [LineBatch] = []
        var spareCharge: UInt64 = 0
        /// Inflates a gzip-coded body (nil for identity).
        var inflater: GzipInflater?
        /// A line of the inflated body is over the limit, or a tail problem was found: the stream
        /// fails there, so the rest is not inflated (a gzip bomb costs one line's worth).
        var inflateStopped = false
        /// The current second of inflating (uptime nanoseconds) and the bytes inflated in it
        /// (`LineLimits.inflatedBytesPerSecond`).
        var inflateSecond: UInt64 = 0
        var inflatedThisSecond = 0
        /// Paused for the inflate rate, until the next second.
        var rateHeld = false
        /// A problem past the lines framed so far (a corrupt or cut gzip body, the stream past
        /// --max-stream-bytes): the rest of the body is read and dropped, the lines before it are
        /// still decoded, and it is the answer only when none of them fails (the first problem in
        /// the body's order is the one named).
        var tailProblem: Problem?
    }

    /// What only the merge queue touches.
    private final class Merge: @unchecked Sendable {
        var decoded: [Int: [Decoded]] = [:]
        var next = 0
        var scorer: StreamScorer?
        var problem: Problem?
    }

    private let decoder: LineDecoder
    private let limits: LineLimits
    private let scoringLimits: ScoringLimits
    private let metrics: ServiceMetrics?
    private let state: Locked<State>
    private let merge = Merge()
    private let mergeQueue = DispatchQueue(label: "lines.merge")

    /// A consumer scoring `kind` with `options` (already checked at the headers).
    init(
        kind: LossKind, options: LineOptions, limits: LineLimits, scoringLimits: ScoringLimits,
        metrics: ServiceMetrics?, gzip: Bool = false
    ) {
        decoder = LineDecoder(kind: kind, options: options, limits: scoringLimits)
        self.limits = limits
        self.scoringLimits = scoringLimits
        self.metrics = metrics
        var initial = State(
            framer: LineFramer(maxLineBytes: limits.maxLineBytes),
            batch: Batch(sequence: 0, lines: LineBatch(capacity: limits.batchBytes)))
        if gzip { initial.inflater = GzipInflater() }
        state = Locked(initial)
    }

    /// Bytes of the body framed so far (inflated, for gzip).
    var framedBytes: UInt64 { state.withLock { $0.taken } }

    public func take(_ offered: UnsafeRawBufferPointer, control: StreamControl) -> Int {
        var toDecode: [Batch] = []
        let taken = state.withLock { state -> Int in
            state.control = control
            // Read and dropped.
            if state.stopped || state.cancelled || state.tailProblem != nil { return offered.count }
            if !state.waiting.isEmpty || state.inFlight >= limits.batchesInFlight {
                state.paused = true
                return 0
            }
            // At most `bytesPerTake` bytes are framed per call (inflated ones, for gzip), and no
            // more than the budget can take at factor 1 beside the bytes held: they are charged
            // ahead, as what this call can add to the bytes held.
            let gzipPiece = state.inflater == nil ? 0 : GzipInflater.pieceBytes
            var perTake = state.inflater == nil ? min(offered.count, limits.bytesPerTake) : limits.bytesPerTake
            // No more than the window can take, and the batch being filled: lines framed past it
            // would wait, held at factor 1, and a stream whose waiting lines held most of the
            // budget could leave no room to decode them (at its end, waiting batches are charged
            // as any batch is).
            let room = (limits.batchesInFlight - state.inFlight + 1) * limits.batchBytes - state.batch.bytes
            perTake = min(perTake, max(room, Self.leastTake))
            if state.inflater != nil && !state.inflateStopped {
                guard let allowed = inflateAllowance(&state, control: control) else { return 0 }
                perTake = min(perTake, allowed)
            }
            var held = heldBytes(state)
            while !chargeHeld(&state, upTo: UInt64(held + perTake + gzipPiece), control: control) {
                if freeSpares(&state) {
                    held = heldBytes(state)
                    continue
                }
                guard perTake > Self.leastTake else {
                    state.paused = true
                    refused(
                        &state, charge: UInt64(held + perTake + gzipPiece),
                        what: "\(held + perTake + gzipPiece) bytes of lines")
                    return state.stopped ? offered.count : 0
                }
                perTake = max(Self.leastTake, perTake / 4)
            }
            state.refusedSince = nil
            var full: [Batch] = []
            let maxStreamBytes = limits.maxStreamBytes
            /// Frames a piece of the (inflated) body; false to stop inflating.
            func frame(_ piece: UnsafeRawBufferPointer) -> Bool {
                state.taken += UInt64(piece.count)
                state.inflatedThisSecond += piece.count
                if state.taken > maxStreamBytes {
                    stopReading(
                        &state,
                        Problem(
                            .bodyTooLarge,
                            detail: "the stream is over --max-stream-bytes (\(maxStreamBytes) bytes)"))
                    return false
                }
                state.framer.feed(piece) { line in
                    Self.add(
                        line, to: &state.batch, spare: &state.spare, spareCharge: &state.spareCharge,
                        control: state.control, limits: limits, full: &full)
                }
                if state.inflater != nil && state.framer.overflowing { state.inflateStopped = true }
                return !state.inflateStopped
            }
            var consumed = offered.count
            if let inflater = state.inflater {
                guard !state.inflateStopped else { return offered.count }
                do throws(Problem) {
                    consumed = try inflater.inflate(offered, limit: perTake, frame)
                } catch {
                    stopReading(&state, error)
                    consumed = offered.count
                }
                if state.inflateStopped { consumed = offered.count }  // the rest is dropped
            } else {
                consumed = min(offered.count, perTake)
                _ = frame(UnsafeRawBufferPointer(rebasing: offered[..<consumed]))
            }
            if state.stopped { return offered.count }
            if state.tailProblem != nil { consumed = offered.count }
            state.waiting += full
            toDecode = admitWaiting(&state, control: control)
            settleHeld(&state)
            if consumed < offered.count && state.waiting.isEmpty {
                control.resume()  // more of this chunk at the next call, after the connection's other work
            }
            if consumed < offered.count { state.paused = true }
            return consumed
        }
        for batch in toDecode { decode(batch) }
        return taken
    }

    /// What the inflate rate lets this call inflate, or nil when this second's bytes are spent:
    /// the stream is then paused and resumed at the next second (the server's pause, which the
    /// slow-body rules do not count).
    private func inflateAllowance(_ state: inout State, control: StreamControl) -> Int? {
        let now = DispatchTime.now().uptimeNanoseconds
        if now &- state.inflateSecond >= 1_000_000_000 {
            state.inflateSecond = now
            state.inflatedThisSecond = 0
        }
        let allowed = limits.inflatedBytesPerSecond - state.inflatedThisSecond
        if allowed > 0 { return allowed }
        state.paused = true
        if !state.rateHeld {
            state.rateHeld = true
            let wait = 1_000_000_000 - (now &- state.inflateSecond)
            DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(wait))) { self.rateResume() }
        }
        return nil
    }

    /// The next second of inflating: resume the stream unless it ended meanwhile.
    private func rateResume() {
        let control = state.withLock { state -> StreamControl? in
            state.rateHeld = false
            guard !state.cancelled, state.paused else { return nil }
            state.paused = false
            return state.control
        }
        control?.resume()
    }

    /// Adds a framed line to the open batch, closing it into `full` when the line would take
    /// it past `batchBytes` (so a batch is at most that, or one longer line alone, whose charge
    /// is its own) and when it is full. The next batch reuses a kept buffer when there is one.
    /// (The parts of the state it touches are passed apart: the framer calls it mid-feed.)
    private static func add(
        _ line: LineFramer.Piece, to batch: inout Batch, spare: inout [LineBatch], spareCharge: inout UInt64,
        control: StreamControl?, limits: LineLimits, full: inout [Batch]
    ) {
        func close() {
            var lines = LineBatch(capacity: limits.batchBytes)
            if let kept = spare.popLast() {
                // In use again: its lines are charged as held from now on.
                let cost = min(UInt64(kept.memoryBytes), spareCharge)
                control?.release(cost)
                spareCharge -= cost
                lines = kept
            }
            lines.removeAll()
            full.append(batch)
            batch = Batch(sequence: batch.sequence + 1, lines: lines)
        }
        if case .text(_, let bytes) = line, !batch.lines.isEmpty, batch.bytes + bytes.count > limits.batchBytes {
            close()
        }
        batch.lines.append(line)
        if batch.bytes >= limits.batchBytes { close() }
    }

    /// Bytes held before decoding: the unfinished line, the open batch, the batches waiting.
    private func heldBytes(_ state: State) -> Int {
        if state.stopped { return 0 }
        return state.framer.heldBytes + state.batch.bytes + state.waiting.reduce(0) { $0 + $1.bytes }
    }

    /// The fewest bytes a call frames when the budget is short (the rest waits for room).
    private static let leastTake = 4096

    /// Charges the bytes held up to `bytes` at factor 1; false when the budget cannot take them now.
    private func chargeHeld(_ state: inout State, upTo bytes: UInt64, control: StreamControl) -> Bool {
        guard bytes > state.heldCharge else { return true }
        guard control.charge(bytes - state.heldCharge, waits: true) else { return false }
        state.heldCharge = bytes
        return true
    }

    /// Drops the buffers kept for reuse and gives back their charge, so that the budget they
    /// took goes to lines; false when there were none.
    private func freeSpares(_ state: inout State) -> Bool {
        guard !state.spare.isEmpty else { return false }
        state.spare = []
        state.control?.release(state.spareCharge)
        state.spareCharge = 0
        return true
    }

    /// Gives back the factor-1 charge beyond the bytes held now.
    private func settleHeld(_ state: inout State) {
        let held = UInt64(heldBytes(state))
        guard state.heldCharge > held else { return }
        state.control?.release(state.heldCharge - held)
        state.heldCharge = held
    }

    /// The budget refused this stream `charge` bytes, `beside` the bytes it holds that cannot go
    /// before them (its later lines): with nothing of it decoding to resume it, ask again every
    /// `retryMilliseconds` (the transport keeps the oldest waiting charge room), for
    /// `LineLimits.budgetWaitMilliseconds`. A charge that with them is larger than the whole
    /// budget can never be taken: refused at once (answered after the last byte).
    private func refused(_ state: inout State, charge: UInt64, beside: UInt64 = 0, what: String) {
        if limits.memoryBudget > 0 && charge + beside > limits.memoryBudget {
            let held = beside > 0 ? " beside the \(beside) bytes of lines after it" : ""
            stop(
                &state,
                Problem(
                    .bodyTooLarge,
                    detail:
                        "decoding \(what) needs \(charge) bytes of memory\(held), more than the whole budget (\(limits.memoryBudget) bytes); send shorter lines"
                ))
            return
        }
        guard state.inFlight == 0 else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        let since = state.refusedSince ?? now
        state.refusedSince = since
        if now - since > UInt64(limits.budgetWaitMilliseconds) * 1_000_000 {
            let seconds = Double(limits.budgetWaitMilliseconds) / 1000
            stop(
                &state,
                Problem(.overloaded, detail: "the memory budget could not take \(what) for \(seconds) s; retry later"))
            return
        }
        guard !state.retryPending else { return }
        state.retryPending = true
        retryLater()
    }

    public func finish(control: StreamControl, answer: @escaping @Sendable (HTTPResponse) -> Void) {
        var toDecode: [Batch] = []
        state.withLock { state in
            state.control = control
            state.answer = answer
            state.finished = true
            if let inflater = state.inflater, !inflater.isComplete, !state.inflateStopped, !state.stopped {
                stopReading(&state, GzipInflater.problem("the gzip body ends inside a member"))
            }
            if !state.stopped {
                var full: [Batch] = []
                // A line cut by a tail problem is not a line: the problem is named, not the cut.
                if state.tailProblem == nil {
                    state.framer.finish { line in
                        Self.add(
                            line, to: &state.batch, spare: &state.spare, spareCharge: &state.spareCharge,
                            control: state.control, limits: limits, full: &full)
                    }
                }
                state.waiting += full
                // The last batches wait for the window and the budget as any batch does (decoded
                // uncharged, a stream's last megabytes of lines cost 20x that beside the budget);
                // the answer waits for them. An empty stream sends one empty batch to be answered.
                if !state.batch.lines.isEmpty || (state.dispatched == 0 && state.waiting.isEmpty) {
                    let last = state.batch
                    state.batch = Batch(sequence: last.sequence + 1, lines: LineBatch())
                    state.waiting.append(last)
                }
                toDecode = admitWaiting(&state, control: control)
            }
            _ = freeSpares(&state)
            settleHeld(&state)
        }
        for batch in toDecode { decode(batch) }
        mergeQueue.async { self.mergeReady() }
    }

    /// `--max-stream-bytes` bounds the bytes as sent too (inflated ones are bounded as they are
    /// framed), not `--max-body-bytes`: a stream has no whole body to hold.
    public var maxBodyBytes: UInt64? { limits.maxStreamBytes }

    public func cancel() {
        state.withLock { state in
            state.cancelled = true
            state.stopped = true
        }
    }

    /// Dispatches the waiting batches, in order, while the window and the budget take them.
    private func admitWaiting(_ state: inout State, control: StreamControl) -> [Batch] {
        var dispatched: [Batch] = []
        while var batch = state.waiting.first, !state.stopped {
            // The batch's bytes are charged already, as held at factor 1: its decoding charge
            // takes that part over and adds the rest (else a batch near the budget's size
            // would need its bytes twice over and never fit).
            let charge = UInt64(batch.bytes) * max(limits.memoryPerBatchByte, 1)
            let fromHeld = min(UInt64(batch.bytes), state.heldCharge)
            let extra = charge - fromHeld
            guard state.inFlight < limits.batchesInFlight,
                control.charge(extra, waits: true) || (freeSpares(&state) && control.charge(extra, waits: true))
            else {
                if !state.finished { state.paused = true }  // after the last byte there is no body to pause
                // Its own later lines stay held beside it until it decodes: they count.
                let beside = UInt64(max(heldBytes(state) - batch.bytes, 0))
                refused(&state, charge: charge, beside: beside, what: "a batch of \(batch.bytes) bytes of lines")
                break
            }
            state.waiting.removeFirst()
            state.refusedSince = nil
            state.heldCharge -= fromHeld
            batch.charged = charge
            state.dispatched += 1
            state.inFlight += 1
            dispatched.append(batch)
        }
        settleHeld(&state)
        return dispatched
    }

    /// How often a stream refused by the budget, with nothing of it decoding, asks again.
    private static let retryMilliseconds = 5

    private func retryLater() {
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(Self.retryMilliseconds)) {
            self.retryWaiting()
        }
    }

    private func retryWaiting() {
        var toDecode: [Batch] = []
        var resume: StreamControl?
        var finished = false
        state.withLock { state in
            state.retryPending = false
            guard let control = state.control, !state.stopped else { return }
            toDecode = admitWaiting(&state, control: control)
            if state.waiting.isEmpty && state.paused {
                state.paused = false
                resume = control
            }
            finished = state.finished
        }
        for batch in toDecode { decode(batch) }
        resume?.resume()  // also after a stop: the rest of the body is read and dropped
        // After the last byte, a refusal that gave up is the answer.
        if finished { mergeQueue.async { self.mergeReady() } }
    }

    /// Decodes a batch's lines on the worker pool, then hands them to the merge queue.
    private func decode(_ batch: Batch) {
        DispatchQueue.global().async {
            var decoded: [Decoded] = []
            var piece: LinePiece?
            let reader = LineDecoder.reader()
            func endPiece() {
                if let job = piece?.job, let index = piece?.index { decoded.append(.job(index: index, job)) }
                piece = nil
            }
            batch.lines.visit { line in
                switch line {
                case .tooLong(let index):
                    let detail =
                        "line \(index + 1) is over --max-line-bytes (\(self.limits.maxLineBytes) bytes); a wide row takes fewer bytes in a block line with a base64 tensor ({\"predictions\": {\"shape\", \"dtype\", \"data_base64\"}, ...}: under 11 bytes per float64), or the service's --max-line-bytes can be raised"
                    endPiece()
                    decoded.append(
                        .problem(
                            Problem(
                                .bodyTooLarge, detail: detail,
                                errors: [Problem.Detail(pointer: "/lines/\(index)", detail: detail)])))
                case .text(let index, let bytes):
                    switch self.decoder.decode(bytes, index: index, reader: reader) {
                    case .success(let job):
                        guard LinePiece.canJoin(job) else {
                            endPiece()
                            decoded.append(.job(index: index, job))
                            break
                        }
                        if piece?.join(job) != true {
                            endPiece()
                            piece = LinePiece(job, index: index)
                        }
                    case .failure(let problem):
                        endPiece()
                        decoded.append(.problem(problem))
                    }
                }
                if case .problem = decoded.last { return false }  // the lines after it are higher
                return true
            }
            endPiece()
            let lines = decoded
            self.mergeQueue.async {
                self.merge.decoded[batch.sequence] = lines
                self.finished(batch)
                self.mergeReady()
            }
        }
    }

    /// A batch is decoded: give back its charge and its place in the window; resume the stream
    /// if it was paused.
    private func finished(_ batch: Batch) {
        var toDecode: [Batch] = []
        var resume: StreamControl?
        state.withLock { state in
            state.inFlight -= 1
            if batch.charged > 0 { state.control?.release(batch.charged) }
            // Kept for a later batch (emptied when it is taken, once nothing else refers to it),
            // charged as held: a stream that stalls after some batches must not hold buffers
            // the budget does not see. Dropped when the budget cannot take it.
            let keep = UInt64(batch.lines.memoryBytes)
            if !state.stopped && !state.finished && state.spare.count < limits.batchesInFlight,
                state.control?.charge(keep) == true
            {
                state.spareCharge += keep
                state.spare.append(batch.lines)
            }
            if let control = state.control, !state.stopped {
                toDecode = admitWaiting(&state, control: control)
            }
            if state.paused && state.waiting.isEmpty {
                state.paused = false
                resume = state.control
            }
        }
        for batch in toDecode { decode(batch) }
        resume?.resume()
    }

    /// Merges decoded batches in order (on the merge queue); answers when all is known.
    private func mergeReady() {
        while merge.problem == nil, let decoded = merge.decoded.removeValue(forKey: merge.next) {
            merge.next += 1
            for item in decoded {
                switch item {
                case .problem(let problem):
                    merge.problem = problem
                case .job(let index, let job):
                    do throws(Problem) {
                        if merge.scorer == nil { merge.scorer = StreamScorer(first: job, limits: scoringLimits) }
                        try merge.scorer?.add(job, index: index)
                    } catch {
                        merge.problem = error
                    }
                }
                if merge.problem != nil { break }
            }
        }
        if let problem = merge.problem {
            let resume = state.withLock { state -> StreamControl? in
                stop(&state, problem)
                guard state.paused else { return nil }
                state.paused = false
                return state.control
            }
            resume?.resume()  // the rest of the body is read and dropped
        }
        // Decided once, under the lock: mergeReady runs again after the answer (a batch's
        // completion, a retry after the last byte), and a second delivery would answer twice.
        enum Delivery {
            case outcome(HTTPResponse)
            case scored
        }
        let delivery: Delivery? = state.withLock { state in
            // Answered once every batch handed out is back: the budget is whole again.
            guard state.finished, !state.answered, state.answer != nil, state.inFlight == 0, state.waiting.isEmpty
            else { return nil }
            if let outcome = state.outcome {
                state.answered = true
                return .outcome(outcome)
            }
            guard merge.next == state.dispatched else { return nil }
            state.answered = true
            if let tail = state.tailProblem { return .outcome(.problem(tail)) }
            return .scored
        }
        switch delivery {
        case .outcome(let response):
            deliver(response)
        case .scored:
            if let scorer = merge.scorer {
                deliver(scorer.answer(metrics: metrics))
            } else {
                deliver(
                    .problem(
                        Problem.validation([
                            Problem.Detail(
                                pointer: "/lines", detail: "the stream has no lines; send one JSON object per line")
                        ])))
            }
        case nil:
            break
        }
    }

    private func deliver(_ response: HTTPResponse) {
        let answer = state.withLock { state in state.answer }
        answer?(response)
    }

    /// Records a problem past the lines framed so far and drops the rest of the body; the lines
    /// before it are still decoded (`State.tailProblem`).
    private func stopReading(_ state: inout State, _ problem: Problem) {
        if state.tailProblem == nil { state.tailProblem = problem }
        state.inflateStopped = true
    }

    /// Records the stream's problem (the first found in line order) and stops scoring.
    private func stop(_ state: inout State, _ problem: Problem) {
        state.stopped = true
        if state.outcome == nil { state.outcome = .problem(problem) }
        state.waiting = []
        _ = freeSpares(&state)
        settleHeld(&state)
    }
}
