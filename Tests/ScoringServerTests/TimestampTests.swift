import Testing

@testable import ScoringServer

#if canImport(Glibc)
    import Glibc
#endif

/// Log timestamps: the calendar computed without gmtime_r agrees with glibc's gmtime_r.
@Suite struct TimestampTests {
    /// glibc's own formatting of `seconds` (the reference).
    private func reference(_ seconds: Int, _ milliseconds: Int) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            String(repeating: "0", count: max(0, width - String(value).count)) + String(value)
        }
        return "\"\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(milliseconds), 3))Z\""
    }

    private func written(_ seconds: Int, _ milliseconds: Int) -> String {
        var json = JSONWriter()
        json.timestamp(seconds: seconds, milliseconds: milliseconds)
        return String(decoding: json.bytes, as: UTF8.self)
    }

    @Test func leapDaysCenturiesAndYearEdgesMatchGmtime() {
        // 1970, 2000-02-29 (a leap century), 2100-03-01 (2100 is not a leap year), 2038's 32-bit
        // edge, 9999-12-31, and a second before each midnight.
        let instants = [
            0, 86_399, 951_782_400, 951_868_799, 4_107_542_400, 2_147_483_647, 253_402_300_799, 1_796_428_800,
        ]
        for seconds in instants {
            #expect(written(seconds, 7) == reference(seconds, 7), "\(seconds)")
        }
    }

    @Test func everyDayOfFourCenturiesMatchesGmtime() {
        // One instant a day (moving through the day) from 1970 to 2370: every month length and leap rule.
        var seconds = 0
        for day in 0..<146_097 {
            seconds = day * 86_400 + (day * 7_919) % 86_400
            if written(seconds, 999) != reference(seconds, 999) {
                Issue.record("day \(day): \(written(seconds, 999)) against \(reference(seconds, 999))")
                return
            }
        }
        #expect(seconds > 12_000_000_000)
    }

    @Test func civilDateOfKnownDays() {
        #expect(CivilDate(daysSinceEpoch: 0) == CivilDate(year: 1970, month: 1, day: 1))
        #expect(CivilDate(daysSinceEpoch: 11_016) == CivilDate(year: 2000, month: 2, day: 29))
        #expect(CivilDate(daysSinceEpoch: -1) == CivilDate(year: 1969, month: 12, day: 31))
    }
}
