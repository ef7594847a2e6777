import Synchronization

/// Whether the service takes new work: readiness turns false when draining starts.
public final class ServiceState: Sendable {
    private let draining = Atomic<Bool>(false)

    public init() {}

    public var isDraining: Bool { draining.load(ordering: .relaxed) }

    public func startDraining() { draining.store(true, ordering: .relaxed) }
}
