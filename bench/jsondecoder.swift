// What Foundation's JSONDecoder costs on its own, outside the service (figures quoted in
// BENCHMARKS.md): the time to decode the small body with two Decodable shapes, the memory one
// large decode holds above its body, and how two decodes on two threads scale against a pure
// compute loop. Built and run by bench/jsondecoder.sh; reads bench/out/{small,large}.json.
import Dispatch
import FoundationEssentials

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

let decoder = JSONDecoder()
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
for round in 1...4 {
    let decodeOne = seconds(threads: 1) { _ = try! decoder.decode(ByName.self, from: large) }
    let decodeTwo = seconds(threads: 2) { _ = try! decoder.decode(ByName.self, from: large) }
    let spinOne = seconds(threads: 1) { _ = spin(1) }
    let spinTwo = seconds(threads: 2) { _ = spin(1) }
    print(
        "round \(round): two large decodes on two threads scale \(2 * decodeOne / decodeTwo)x; a compute loop \(2 * spinOne / spinTwo)x"
    )
}
