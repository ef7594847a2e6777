import CMicroHTTPDShim

#if canImport(Glibc)
    import Glibc
#endif

/// Hands memory freed after large requests back to the system.
///
/// glibc keeps freed memory in its per-thread arenas, and after the first large free it raises
/// its mmap threshold (up to 32 MB), so later bodies and matrices come from the arenas too: RSS
/// would stay at a burst's peak (and count against a container's memory limit) although nothing
/// uses it. Buffers of 256 KiB and more are therefore always mapped on their own and unmapped
/// when freed (measured: a run of large requests peaks at one request's footprint instead of
/// growing, and is no slower), and `malloc_trim` releases the rest every few seconds.
public enum MemoryTrimmer {
    public static let mappedAllocationBytes = 256 * 1024

    public static func start(everySeconds seconds: UInt32 = 10) {
        cmhd_map_large_allocations(mappedAllocationBytes)
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
