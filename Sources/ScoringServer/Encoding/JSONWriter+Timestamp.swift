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
        timestamp(seconds: Int(now.tv_sec), milliseconds: Int(now.tv_nsec) / 1_000_000)
    }

    /// `seconds` since the Unix epoch (UTC) as a quoted RFC 3339 string. The calendar is
    /// computed here rather than by `gmtime_r`, which takes glibc's time-zone lock on every
    /// call: one lock all the threads writing access lines would queue on.
    mutating func timestamp(seconds: Int, milliseconds: Int) {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let date = CivilDate(daysSinceEpoch: days)
        raw("\"")
        digits(date.year, 4)
        raw("-")
        digits(date.month, 2)
        raw("-")
        digits(date.day, 2)
        raw("T")
        digits(secondOfDay / 3600, 2)
        raw(":")
        digits(secondOfDay / 60 % 60, 2)
        raw(":")
        digits(secondOfDay % 60, 2)
        raw(".")
        digits(milliseconds, 3)
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

/// A proleptic Gregorian date from a count of days since 1970-01-01 (Howard Hinnant's
/// `civil_from_days`: eras of 400 years, years starting in March so the leap day comes last).
struct CivilDate: Equatable {
    let year: Int
    let month: Int
    let day: Int

    init(daysSinceEpoch days: Int) {
        let shifted = days + 719_468  // days from 0000-03-01
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097  // [0, 146096]
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365  // [0, 399]
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)  // [0, 365], from March 1
        let monthFromMarch = (5 * dayOfYear + 2) / 153  // [0, 11]
        day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    }

    init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }
}
