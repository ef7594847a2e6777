import CMicroHTTPDShim

#if canImport(Glibc)
    import Glibc
#endif

/// Hands memory freed after large requests back to the system every few seconds.
///
/// glibc keeps freed memory in its per-thread arenas, so after a burst of large bodies a
/// container's RSS stays at the burst's peak (and counts against its memory limit) although
/// nothing uses it. `malloc_trim` releases the free pages of every arena.
public enum MemoryTrimmer {
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
                        cmhd_trim_memory()
                    }
                },
                interval
            )
            pthread_detach(thread)
        #endif
    }
}
