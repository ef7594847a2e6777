// Built by bench/error-path.sh against one revision of the service (not part of the package).
// The error path against the parse: an outside tester's 11 KB body (a lone surrogate in
// `convention` beside an unknown member holding 5,000 zeros nested 500 deep) beside the same
// body with a readable string, for several member names (the old error path walked members in
// the order of a randomly seeded dictionary, so its cost depended on the name and the process).
import Dispatch
import ScoringServer

#if canImport(HTTPTransport)
    import HTTPTransport
#endif

let router = ServiceRoutes.router()
let deepZeros =
    String(repeating: "[0,0,0,0,0,0,0,0,0,0,", count: 500).dropLast() + String(repeating: "]", count: 500)

/// Milliseconds a request, averaged over as many runs as fit in about 0.3 s (at least one).
func milliseconds(_ text: String) -> (Double, Int) {
    let bytes = Array(text.utf8)
    let head = RequestHead(
        method: "POST", path: "/cce", contentType: "application/json", contentLength: UInt64(bytes.count))
    var status = 0
    var runs = 0
    let start = DispatchTime.now().uptimeNanoseconds
    var elapsed: UInt64 = 0
    while runs < 1000 && (runs == 0 || elapsed < 300_000_000) {
        status = bytes.withUnsafeBytes { router.handle(head, body: $0) }.status
        runs += 1
        elapsed = DispatchTime.now().uptimeNanoseconds - start
    }
    return (Double(elapsed) / Double(runs) / 1e6, status)
}

/// `x` to three decimals.
func r(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }

let names = ["a", "zz", "padding", "m100000", "junk", "predictionz", "~1", "x/y"]
var worst = 0.0
var worstRepaired = 0.0
for name in names {
    func body(_ convention: String) -> String {
        #"{"predictions":[[0.5,0.5]],"labels":[1],"convention":"\#(convention)","\#(name)":\#(deepZeros)}"#
    }
    let (bad, badStatus) = milliseconds(body(#"\ud800"#))
    let (good, goodStatus) = milliseconds(body("sklearn"))
    worst = max(worst, bad)
    worstRepaired = max(worstRepaired, good)
    let size = body(#"\ud800"#).utf8.count
    print(
        "member \"\(name)\" (\(size) B): unreadable string \(r(bad)) ms (\(badStatus)), readable \(r(good)) ms (\(goodStatus)), ratio \(r(bad / good))"
    )
}
print("worst: unreadable string \(r(worst)) ms, readable \(r(worstRepaired)) ms, ratio \(r(worst / worstRepaired))")
