import MicroHTTPDServer
import ScoringServer

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Graceful stop: readiness turns 503, the listener stops accepting, requests in flight finish
/// (up to a deadline), then every connection is closed.
enum Shutdown {
    /// Returns how many requests were still unfinished at the deadline.
    static func drain(_ server: HTTPServer, state: ServiceState, seconds: Int) -> Int {
        state.startDraining()
        server.quiesce()
        let deadline = monotonicSeconds() + Double(seconds)
        while server.requestsInFlight > 0 && monotonicSeconds() < deadline {
            usleep(5_000)
        }
        let unfinished = server.requestsInFlight
        server.stop()
        return unfinished
    }

    private static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
