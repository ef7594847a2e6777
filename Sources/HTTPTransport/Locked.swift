#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A value behind a pthread mutex: the one lock the service and its tests use.
///
/// Use it in place of Synchronization's `Mutex`. That `Mutex` takes a contended lock in the
/// standard library's uninstrumented code (a priority-inheriting futex the kernel hands over), so
/// ThreadSanitizer never sees the hand-over and reports the next holder's access as a race; it did,
/// once in many runs, and failed the sanitizer stage. ThreadSanitizer intercepts pthread locks, so
/// with this type its race check stays meaningful. Hold the lock briefly: never across I/O or a
/// call that may wait.
public final class Locked<Value: ~Copyable>: @unchecked Sendable {
    @usableFromInline let mutex: UnsafeMutablePointer<pthread_mutex_t>
    @usableFromInline var value: Value

    /// Wraps `value`; the lock is created unlocked.
    public init(_ value: consuming Value) {
        self.value = value
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` with the value, holding the lock, and returns what it returns.
    /// Inlinable, so callers in other modules get it specialized, as they did `Mutex.withLock`.
    @inlinable
    public func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
