/// Bytes of memory a request costs per byte of its body, charged to the transport's memory
/// budget once the body is whole until it is answered (while it arrives, its buffer alone):
/// JSONDecoder holds its whole working set before any of our code sees a value, so the body's
/// size is the only handle on it.
///
/// The one place the factors live. Each is the worst (peak − idle RSS) / body measured by
/// `bench/memory-factors.py` over every form a body can take, rounded up (RELIABILITY.md, "Memory
/// per body byte"): JSONDecoder's working set grows with the count of numbers, so one-digit
/// numbers (2 bytes each) are the worst case per byte. The budget must be at least
/// `--max-body-bytes` × `largest`.
public enum MemoryCharge {
    /// /cce and /bce: 24.9× measured for one-digit numbers, nested or flat; base64 tensors 2.8×.
    public static let scoring: UInt64 = 26
    /// /batch: 24.8× for jobs of one-digit numbers, but the per-job cost (about 2 KB a job)
    /// dominates tiny jobs: 33.6× for 10,000 one-sample jobs (the default --max-jobs).
    public static let batch: UInt64 = 40
    /// /compare: 24.9× measured for two matrices of one-digit numbers (the decoder's working set
    /// per number is the same as /cce's; the second answer is small beside it), 20.2× for
    /// 1,000,000 one-column pairs with per-sample answers, base64 tensors 2.2×.
    public static let compare: UInt64 = 26
    /// Routes without a body.
    public static let bodiless: UInt64 = 1

    /// The largest factor of any route: the settings check the budget against it.
    public static let largest = max(scoring, batch, compare)

    /// The factor of a route, part of its descriptor (`Route`).
    public static func factor(for route: ServiceRoute) -> UInt64 {
        switch route {
        case .cce, .bce: scoring
        case .batch: batch
        case .compare: compare
        // A stream charges its own batches (`LineLimits.memoryPerBatchByte`), never a whole body.
        case .index, .bands, .healthz, .readyz, .metrics, .openAPI, .cceLines, .bceLines: bodiless
        }
    }
}
