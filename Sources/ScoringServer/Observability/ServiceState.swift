import Synchronization

/// Whether the service takes new work: readiness turns false when draining starts.
public final class ServiceState: Sendable {
    private let draining = Atomic<Bool>(false)

    /// A service that takes work.
    public init() {}

    /// Whether draining has begun (readiness answers 503 from then on).
    public var isDraining: Bool { draining.load(ordering: .relaxed) }

    /// Turns readiness off for good; call when a stop signal arrives.
    public func startDraining() { draining.store(true, ordering: .relaxed) }
}
