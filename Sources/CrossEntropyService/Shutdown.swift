import ScoringServer

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Graceful stop: refuse new connections, let requests in flight finish (up to a deadline),
/// then close everything.
enum Shutdown {
    static func drain(_ server: HTTPServer, seconds: Int) {
        server.quiesce()
        let deadline = monotonicSeconds() + Double(seconds)
        while server.requestsInFlight > 0 && monotonicSeconds() < deadline {
            usleep(10_000)
        }
        server.stop()
    }

    private static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
