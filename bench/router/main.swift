// Built by bench/router.sh against one revision of the service (not part of the package).
import Dispatch
import ScoringServer

#if canImport(HTTPTransport)
    import HTTPTransport
#endif

let router = ServiceRoutes.router()
let bodies: [(String, String)] = [
    ("/cce", #"{"predictions":[[0.2,0.7,0.1]],"labels":[1]}"#),
    ("/bce", #"{"predictions":[[0.8,0.4,0.6]],"labels":[[1,0,1]]}"#),
    (
        "/cce",
        #"{"predictions":[[0.2,0.7,0.1],[0.5,0.25,0.25],[0.1,0.1,0.8],[0.3,0.3,0.4]],"labels":[[0,1,0],[1,0,0],[0,0,1],[0,0,1]],"sample_weights":[1,2,1,1]}"#
    ),
]
for (path, text) in bodies {
    let bytes = Array(text.utf8)
    let head = RequestHead(
        method: "POST", path: path, contentType: "application/json", contentLength: UInt64(bytes.count),
        contentLengthCount: 1)
    var status = 0
    for _ in 0..<2000 { status = bytes.withUnsafeBytes { router.handle(head, body: $0) }.status }
    var best = Double.infinity
    for _ in 0..<5 {
        let n = 20000
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<n { status &+= bytes.withUnsafeBytes { router.handle(head, body: $0) }.status }
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / Double(n))
    }
    print("\(path) \(text.utf8.count) B: \((best / 10).rounded() / 100) µs/request (status sum \(status))")
}
