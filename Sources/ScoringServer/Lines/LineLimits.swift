#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The limits of a JSON Lines stream (beside `ScoringLimits`, whose `maxClasses` applies and
/// whose `maxSamples` bounds `per_sample` answers).
public struct LineLimits: Sendable, Equatable {
    /// Bytes of one line (`--max-line-bytes`); an inflated line for gzip.
    public var maxLineBytes: Int
    /// Bytes of a whole stream (`--max-stream-bytes`), inflated.
    public var maxStreamBytes: UInt64
    /// Bytes of lines decoded together on one worker.
    public var batchBytes: Int
    /// Batches decoding at once (beyond them, the stream is paused).
    public var batchesInFlight: Int
    /// Memory charged per byte of a batch while it is decoded: (peak − idle RSS) / the bytes in
    /// flight, measured for sample lines of two one-digit numbers (the worst per byte) once the
    /// window is full, 19.0x, rounded up (`bench/memory-factors.py BINARY 4 lines`; RELIABILITY.md,
    /// "Memory per body byte"). The bytes held before decoding are charged apart, at factor 1.
    public var memoryPerBatchByte: UInt64
    /// Bytes framed per chunk the transport offers (inflated, for gzip); the rest of the chunk
    /// is offered again after the connection's other work. It bounds the inflated bytes one
    /// compressed chunk can make at once (a gzip bomb's 32 KiB chunk inflates to 33 MB), so a
    /// stream inflates at most this many bytes per chunk taken.
    public var bytesPerTake: Int
    /// Bytes a gzip-coded stream may inflate per second; past them it is paused until the next
    /// second. It bounds how fast one connection turns compressed bytes into work (logs compress
    /// past 100x, and a few MB of gzip can inflate to GBs of valid lines), not the ratio. The
    /// default, 128 MiB/s, is above what the service decodes on 2 cores (about 110 MB/s of
    /// gzipped lines; BENCHMARKS.md, "JSON Lines"), so it does not slow a real log there.
    public var inflatedBytesPerSecond: Int
    /// How long a stream waits for the budget to take a batch, with nothing of it decoding,
    /// before it is answered 503 (the budget held by answers no client reads, or by other
    /// streams' held lines). Room is kept for the oldest waiting batch meanwhile. The service
    /// sets it to `--max-body-gap` (a paused stream is not cut by the slow-body rules, so its
    /// client's unfinished line is held no longer than a silent body's would be).
    public var budgetWaitMilliseconds: Int
    /// The memory budget a stream's charges must fit in (the smaller of the whole budget and one
    /// address's share; 0: no budget): a charge larger than it is refused at once, not waited for.
    public var memoryBudget: UInt64 = 0

    /// The service's defaults: 1 MiB lines, 1 TiB streams, 256 KiB batches, cores + 1 in flight,
    /// 1 MiB framed per chunk taken, 128 MiB inflated per second, 10 s of waiting for the budget.
    public init(
        maxLineBytes: Int = 1 << 20, maxStreamBytes: UInt64 = 1 << 40, batchBytes: Int = 256 << 10,
        batchesInFlight: Int = LineLimits.cores + 1, memoryPerBatchByte: UInt64 = 20, bytesPerTake: Int = 1 << 20,
        inflatedBytesPerSecond: Int = 128 << 20, budgetWaitMilliseconds: Int = 10_000
    ) {
        self.budgetWaitMilliseconds = max(budgetWaitMilliseconds, 0)
        self.maxLineBytes = maxLineBytes
        self.maxStreamBytes = maxStreamBytes
        self.batchBytes = batchBytes
        self.batchesInFlight = batchesInFlight
        self.memoryPerBatchByte = memoryPerBatchByte
        self.bytesPerTake = max(bytesPerTake, 1)
        self.inflatedBytesPerSecond = max(inflatedBytesPerSecond, 1)
    }

    /// The service's defaults.
    public static let `default` = LineLimits()

    /// These limits with batches small enough that one, at `memoryPerBatchByte`, takes at most
    /// a quarter of `budget` bytes (0: no budget), and at least 4 KiB: else a stream of short
    /// lines could never be decoded under a small budget (its first full batch would be
    /// refused for ever). A line is a batch of its own when it is longer; its charge must fit
    /// the budget too (README, "Scoring a prediction log").
    public func fitted(toBudget budget: UInt64) -> LineLimits {
        guard budget > 0 else { return self }
        var limits = self
        limits.memoryBudget = budget
        let fitting = budget / 4 / max(memoryPerBatchByte, 1)
        limits.batchBytes = Int(min(UInt64(batchBytes), max(fitting, 4096)))
        return limits
    }

    /// Whether a line at `maxLineBytes` is charged more than a quarter of the memory budget
    /// while it decodes: a few concurrent streams of such lines, each holding its line while it
    /// waits, can leave none of them room, and are answered 503 after the wait (the service
    /// warns at start-up).
    public var longLinesCrowdTheBudget: Bool {
        memoryBudget > 0 && UInt64(maxLineBytes) * max(memoryPerBatchByte, 1) > memoryBudget / 4
    }

    /// Cores of the machine (the worker pool's width).
    public static var cores: Int { max(ProcessInfo.processInfo.activeProcessorCount, 1) }
}
