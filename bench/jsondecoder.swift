// What Foundation's JSONDecoder costs on its own, outside the service (figures quoted in
// BENCHMARKS.md): the time to decode the small body with two Decodable shapes, the memory one
// large decode holds above its body, how two decodes on two threads scale against a pure
// compute loop, and the JSON Lines floor: the large matrix as sample lines, decoded and validated
// by the service's own line decoder (`LineDecoder`, `LineValue`, `JSONBody`: imported, not
// copied, so the floor follows the service) in batches on two threads, with no HTTP. Built
// against the package and run by bench/jsondecoder.sh; reads bench/out/{small,large}.json and
// bench/out/large.ndjson.
import Dispatch
import FoundationEssentials
@testable import ScoringServer
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}

func statusKilobytes(_ field: String) -> Int {
    guard let file = fopen("/proc/self/status", "r") else { return 0 }
    defer { fclose(file) }
    var line = [CChar](repeating: 0, count: 256)
    while fgets(&line, Int32(line.count), file) != nil {
        let text = String(cString: line)
        if text.hasPrefix(field) { return Int(text.split(separator: " ", omittingEmptySubsequences: true)[1]) ?? 0 }
    }
    return 0
}

/// The file in one buffer of its exact size, so the high-water mark before a decode is the body's.
func read(_ path: String) -> Data {
    guard let file = fopen(path, "rb") else { fatalError("cannot open \(path); run bench/payloads.py bench/out") }
    defer { fclose(file) }
    fseek(file, 0, SEEK_END)
    let size = ftell(file)
    fseek(file, 0, SEEK_SET)
    let buffer = malloc(size)!
    guard fread(buffer, 1, size, file) == size else { fatalError("cannot read \(path)") }
    return Data(bytesNoCopy: buffer, count: size, deallocator: .free)
}

/// Any member name: the service reads a body member by member, to report unknown ones.
struct AnyKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// Rows into one reserved flat buffer, as the service's NumberMatrix does.
struct Rows: Decodable {
    var values: [Double] = []
    init(from decoder: any Decoder) throws {
        var outer = try decoder.unkeyedContainer()
        while !outer.isAtEnd {
            var row = try outer.nestedUnkeyedContainer()
            if values.isEmpty { values.reserveCapacity((outer.count ?? 1) * (row.count ?? 1)) }
            while !row.isAtEnd { values.append(try row.decode(Double.self)) }
        }
    }
}

/// The service's shape: every member by name.
struct ByName: Decodable {
    var predictions: Rows?
    var labels: [Double]?
    init(from decoder: any Decoder) throws {
        let object = try decoder.container(keyedBy: AnyKey.self)
        for key in object.allKeys {
            switch key.stringValue {
            case "predictions": predictions = try object.decodeIfPresent(Rows.self, forKey: key)
            case "labels": labels = try object.decodeIfPresent([Double].self, forKey: key)
            default: break
            }
        }
    }
}

/// The alternative: fixed coding keys, each looked up.
struct ByEnum: Decodable {
    enum Key: String, CodingKey { case predictions, labels, input, base, epsilon, convention }
    var predictions: Rows?
    var labels: [Double]?
    init(from decoder: any Decoder) throws {
        let object = try decoder.container(keyedBy: Key.self)
        predictions = try object.decodeIfPresent(Rows.self, forKey: .predictions)
        labels = try object.decodeIfPresent([Double].self, forKey: .labels)
        for key in [Key.input, .base, .epsilon, .convention] { _ = object.contains(key) }
    }
}

/// `--lines`: the JSON Lines figures alone (bench/lines.py takes the floor in its own run).
let onlyLines = CommandLine.arguments.contains("--lines")
let decoder = JSONDecoder()
@inline(never) func spin(_ seed: Double) -> Double {
    var x = seed
    for _ in 0..<200_000_000 { x = x * 1.000_000_1 + 1e-9 }
    return x
}
func seconds(threads: Int, _ work: @escaping @Sendable () -> Void) -> Double {
    let start = now()
    DispatchQueue.concurrentPerform(iterations: threads) { _ in work() }
    return now() - start
}
if !onlyLines {
    let small = read("bench/out/small.json")
    func microseconds<T: Decodable>(_ type: T.Type) -> Double {
        for _ in 0..<20_000 { _ = try! decoder.decode(type, from: small) }
        let runs = 200_000
        let start = now()
        for _ in 0..<runs { _ = try! decoder.decode(type, from: small) }
        return (now() - start) / Double(runs) * 1e6
    }
    for round in 1...3 {
        let byName = microseconds(ByName.self)
        let byEnum = microseconds(ByEnum.self)
        print("small body, round \(round): members by name \(byName) µs, fixed coding keys \(byEnum) µs")
    }

    let large = read("bench/out/large.json")
    let before = statusKilobytes("VmHWM:")
    let decoded = try! decoder.decode(ByName.self, from: large)
    let after = statusKilobytes("VmHWM:")
    print(
        "large body \(large.count / 1_000_000) MB, \(decoded.predictions?.values.count ?? 0) values: high-water +\((after - before) / 1024) MB for the decode"
    )

    for round in 1...4 {
        let decodeOne = seconds(threads: 1) { _ = try! decoder.decode(ByName.self, from: large) }
        let decodeTwo = seconds(threads: 2) { _ = try! decoder.decode(ByName.self, from: large) }
        let spinOne = seconds(threads: 1) { _ = spin(1) }
        let spinTwo = seconds(threads: 2) { _ = spin(1) }
        print(
            "round \(round): two large decodes on two threads scale \(2 * decodeOne / decodeTwo)x; a compute loop \(2 * spinOne / spinTwo)x"
        )
    }
}

// JSON Lines: the large matrix as 10,000 sample lines, framed as the stream frames them (one
// byte array a line) and cut into batches of `LineLimits.default.batchBytes` as it cuts them.
let ndjson = read("bench/out/large.ndjson")
let lines: [[UInt8]] = ndjson.split(separator: UInt8(ascii: "\n")).map { Array($0) }
var batches: [[[UInt8]]] = [[]]
var batchBytes = 0
for line in lines {
    batches[batches.count - 1].append(line)
    batchBytes += line.count
    if batchBytes >= LineLimits.default.batchBytes {
        batches.append([])
        batchBytes = 0
    }
}
if batches.last?.isEmpty ?? false { batches.removeLast() }
guard case .success(let lineOptions) = LineOptions.parse(query: nil, kind: .cce) else { fatalError("options") }
let lineDecoder = LineDecoder(kind: .cce, options: lineOptions, limits: .default)

/// Decodes and validates one batch as a stream's worker does; the count of lines decoded.
func decodeBatch(_ batch: [[UInt8]], first index: Int) -> Int {
    var decoded = 0
    let reader = LineDecoder.reader()
    for (offset, line) in batch.enumerated() {
        let result = line.withUnsafeBytes { lineDecoder.decode($0, index: index + offset, reader: reader) }
        guard case .success = result else { fatalError("line \(index + offset + 1) did not decode: \(result)") }
        decoded += 1
    }
    return decoded
}
let firstIndex = batches.reduce(into: [0]) { $0.append($0.last! + $1.count) }

// One decode per line against one decode of a batch's lines wrapped as JSON arrays (`[a,b,...]`,
// the copy that builds them included), one thread, the decode alone (no validation). Each batch
// has one decoder either way, as a stream's worker has (`LineDecoder.reader()`).
/// Decodes `batch` one value per line (`group` 0, as the service does) or `group` lines to an array.
func decodeLines(_ batch: [[UInt8]], group: Int) -> Int {
    let reader = LineDecoder.reader()
    guard group > 0 else {
        for line in batch {
            let value = try? line.withUnsafeBytes {
                try reader.decode(LineValue.self, from: $0, configuration: reader.duplicates)
            }
            guard value != nil else { fatalError("line") }
        }
        return batch.count
    }
    var count = 0
    var array: [UInt8] = []
    for start in stride(from: 0, to: batch.count, by: group) {
        array.removeAll(keepingCapacity: true)
        array.append(UInt8(ascii: "["))
        for (i, line) in batch[start..<min(start + group, batch.count)].enumerated() {
            if i > 0 { array.append(UInt8(ascii: ",")) }
            array.append(contentsOf: line)
        }
        array.append(UInt8(ascii: "]"))
        guard let values = try? array.withUnsafeBytes({ try reader.decode([LineValue].self, from: $0) }) else {
            fatalError("array")
        }
        count += values.count
    }
    return count
}
/// `--lines --decode-lines-once GROUP`: every batch decoded once by `decodeLines` and nothing else, for
/// bench/lines-instructions.py to count its instructions.
if let flag = CommandLine.arguments.firstIndex(of: "--decode-lines-once"), flag + 1 < CommandLine.arguments.count,
    let group = Int(CommandLine.arguments[flag + 1])
{
    guard batches.reduce(0, { $0 + decodeLines($1, group: group) }) == lines.count else { fatalError("lines lost") }
    exit(0)
}

/// Seconds to decode every batch on `threads` threads, each taking the next batch in turn.
func linesSeconds(threads: Int) -> Double {
    let next = Atomic<Int>(0)
    let total = Atomic<Int>(0)
    let start = now()
    DispatchQueue.concurrentPerform(iterations: threads) { _ in
        while true {
            let b = next.wrappingAdd(1, ordering: .relaxed).oldValue
            guard b < batches.count else { break }
            total.wrappingAdd(decodeBatch(batches[b], first: firstIndex[b]), ordering: .relaxed)
        }
    }
    let seconds = now() - start
    guard total.load(ordering: .relaxed) == lines.count else { fatalError("lines lost") }
    return seconds
}
func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
let megabytes = Double(ndjson.count) / 1e6
print(
    "JSON Lines: \(lines.count) sample lines of 100 probabilities, \(megabytes) MB, \(batches.count) batches of ~\(LineLimits.default.batchBytes >> 10) KiB"
)
var one: [Double] = []
var two: [Double] = []
for _ in 1...5 {
    one.append(linesSeconds(threads: 1))
    two.append(linesSeconds(threads: 2))
}
for (threads, seconds) in [(1, median(one)), (2, median(two))] {
    print(
        "JSON Lines floor, \(threads) thread(s), median of 5: \(Int(Double(lines.count) / seconds)) lines/s, \(megabytes / seconds) MB/s (LineDecoder.decode per line, no HTTP)"
    )
}

func seconds(_ decode: ([[UInt8]]) -> Int) -> Double {
    let start = now()
    let count = batches.reduce(0) { $0 + decode($1) }
    guard count == lines.count else { fatalError("lines lost") }
    return now() - start
}
var single: [Double] = []
var wrapped: [Double] = []
for _ in 1...5 {
    single.append(seconds { decodeLines($0, group: 0) })
    wrapped.append(seconds { decodeLines($0, group: .max) })
}
print(
    "JSON Lines, one thread, median of 5: one decode per line \(megabytes / median(single)) MB/s, each batch as one [LineValue] array \(megabytes / median(wrapped)) MB/s (array / per line \(median(single) / median(wrapped))x)"
)

// The stream's framer alone (LineFramer, which the transport's thread runs): the body in chunks
// of 32 KiB, as libmicrohttpd hands them over.
func framingSeconds() -> Double {
    var framer = LineFramer(maxLineBytes: LineLimits.default.maxLineBytes)
    var framed = 0
    let start = now()
    ndjson.withUnsafeBytes { body in
        var offset = 0
        while offset < body.count {
            let end = min(offset + 32_768, body.count)
            framer.feed(UnsafeRawBufferPointer(rebasing: body[offset..<end])) { _ in framed += 1 }
            offset = end
        }
    }
    framer.finish { _ in framed += 1 }
    guard framed == lines.count else { fatalError("framed \(framed) lines") }
    return now() - start
}
print("JSON Lines framer alone, median of 5: \(megabytes / median((1...5).map { _ in framingSeconds() })) MB/s")
