#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The `process_*` families every Prometheus client library exposes, read from /proc/self at
/// scrape time as the Go and Python clients do (swift-prometheus has no process collector).
/// Left out where /proc is missing (not Linux), as those clients do.
enum ProcessMetrics {
    /// The families' exposition text, to follow the registry's.
    static func exposition() -> [UInt8] {
        guard let stat = readFile("/proc/self/stat"), let fields = statFields(stat) else { return [] }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))
        // Fields after the command name, counted from 3 (state) as in proc(5).
        func field(_ number: Int) -> Double { Double(fields[number - 3]) ?? 0 }
        var text = ""
        func family(_ family: MetricFamily, _ type: String, _ value: Double) {
            let descriptor = family.descriptor
            text += "# HELP \(descriptor.name) \(descriptor.helpText ?? "")\n"
            text += "# TYPE \(descriptor.name) \(type)\n\(descriptor.name) \(value)\n"
        }
        family(.processCPUSeconds, "counter", (field(14) + field(15)) / ticks)
        family(.processResidentMemory, "gauge", field(24) * pageSize)
        family(.processVirtualMemory, "gauge", field(23))
        if let openFDs = openFileDescriptors() { family(.processOpenFDs, "gauge", Double(openFDs)) }
        if let maxFDs = maxOpenFiles() { family(.processMaxFDs, "gauge", maxFDs) }
        if let boot = bootTime() { family(.processStartTime, "gauge", boot + field(22) / ticks) }
        return Array(text.utf8)
    }

    /// The space-separated fields after `(comm)`, which may itself hold spaces and parentheses.
    private static func statFields(_ stat: String) -> [Substring]? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count >= 22 ? fields : nil
    }

    /// `btime` of /proc/stat: the boot time, in seconds since the epoch.
    private static func bootTime() -> Double? {
        guard let stat = readFile("/proc/stat") else { return nil }
        for line in stat.split(separator: "\n") where line.hasPrefix("btime ") {
            return Double(line.dropFirst(6))
        }
        return nil
    }

    /// The soft limit on open files, from /proc/self/limits ("unlimited" is left out).
    private static func maxOpenFiles() -> Double? {
        guard let limits = readFile("/proc/self/limits") else { return nil }
        for line in limits.split(separator: "\n") where line.hasPrefix("Max open files") {
            return line.dropFirst("Max open files".count).split(separator: " ").first.flatMap { Double($0) }
        }
        return nil
    }

    /// The entries of /proc/self/fd (the one this count opens included, as the Python client's).
    private static func openFileDescriptors() -> Int? {
        guard let directory = opendir("/proc/self/fd") else { return nil }
        defer { closedir(directory) }
        var count = 0
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { count += 1 }
        }
        return count
    }

    /// A small /proc file whole (its size is not known before reading).
    private static func readFile(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 { return nil }
            if count == 0 { break }
            bytes += chunk[..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
