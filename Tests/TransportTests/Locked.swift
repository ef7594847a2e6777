import Foundation

/// A value behind an NSLock. The tests' applications are called on libmicrohttpd's own threads;
/// NSLock is a pthread mutex, which ThreadSanitizer sees (it does not see the futex inside
/// Synchronization's Mutex, and reports the threads' accesses as a race).
final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()

    init(_ value: Value) { self.value = value }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
