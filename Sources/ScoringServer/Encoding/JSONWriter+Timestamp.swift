#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension JSONWriter {
    /// The current UTC time as a quoted RFC 3339 string with milliseconds:
    /// "2026-11-29T01:02:03.456Z", written digit by digit (no String or formatter per line).
    mutating func timestamp() {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        raw("\"")
        digits(Int(parts.tm_year) + 1900, 4)
        raw("-")
        digits(Int(parts.tm_mon) + 1, 2)
        raw("-")
        digits(Int(parts.tm_mday), 2)
        raw("T")
        digits(Int(parts.tm_hour), 2)
        raw(":")
        digits(Int(parts.tm_min), 2)
        raw(":")
        digits(Int(parts.tm_sec), 2)
        raw(".")
        digits(Int(now.tv_nsec) / 1_000_000, 3)
        raw("Z\"")
    }

    private mutating func digits(_ value: Int, _ width: Int) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            append(UInt8(ascii: "0") + UInt8(rest / divisor % 10))
            rest %= divisor
            divisor /= 10
        }
    }
}
