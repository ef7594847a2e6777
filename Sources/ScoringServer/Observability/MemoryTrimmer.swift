#if canImport(Glibc)
    import Glibc
#endif

/// Hands memory freed after large requests back to the system every few seconds.
///
/// glibc keeps freed memory in its per-thread arenas, and after the first large free it raises
/// its mmap threshold (up to 32 MB), so later bodies and matrices come from the arenas too: a
/// container's RSS stays at a burst's peak (and counts against its memory limit) although
/// nothing uses it. `malloc_trim` releases the free pages of every arena.
///
/// A fixed low mmap threshold would return memory at once, but every large buffer would then be
/// a fresh mapping: page faults, and mmap_lock contention between concurrent requests, made two
/// clients sending large bodies 5–25% slower (BENCHMARKS.md, "what was tried and dropped"). So: trim instead.
public enum MemoryTrimmer {
    /// Starts the background thread; call once, after the server has started.
    public static func start(everySeconds seconds: UInt32 = 10) {
        #if canImport(Glibc)
            var thread = pthread_t()
            let interval = UnsafeMutablePointer<UInt32>.allocate(capacity: 1)
            interval.initialize(to: seconds)
            pthread_create(
                &thread,
                nil,
                { context in
                    let seconds = context!.assumingMemoryBound(to: UInt32.self).pointee
                    while true {
                        sleep(seconds)
                        _ = glibcMallocTrim(0)
                    }
                },
                interval
            )
            pthread_detach(thread)
        #endif
    }
}

#if canImport(Glibc)
    /// glibc's `malloc_trim`, declared in <malloc.h>, which the Glibc module does not export.
    @_silgen_name("malloc_trim")
    private func glibcMallocTrim(_ pad: Int) -> Int32
#endif
