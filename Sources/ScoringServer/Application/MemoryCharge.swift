/// Bytes of memory a request costs per byte of its body, charged to the transport's memory
/// budget from its headers until it is answered: JSONDecoder holds its whole working set
/// before any of our code sees a value, so the body's size is the only handle on it.
///
/// The one place the factors live. Placeholders until measured (RELIABILITY.md will give the
/// measurement); the budget must be at least `--max-body-bytes` × `largest`.
public enum MemoryCharge {
    /// /cce and /bce: nested JSON arrays, flat arrays or base64 tensors.
    public static let scoring: UInt64 = 25
    /// /batch: many jobs in one body.
    public static let batch: UInt64 = 25
    /// Routes without a body.
    public static let bodiless: UInt64 = 1

    /// The largest factor of any route: the settings check the budget against it.
    public static let largest = max(scoring, batch)

    /// The factor for a request to `path`.
    public static func factor(forPath path: String) -> UInt64 {
        switch path {
        case "/cce", "/bce": scoring
        case "/batch": batch
        default: bodiless
        }
    }
}
