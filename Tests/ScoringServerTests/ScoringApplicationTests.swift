import HTTPTransport
import Testing

@testable import ScoringServer

/// The scoring service as the transport sees it, without sockets: admission factors, the
/// wording of transport refusals, and what finished exchanges record.
@Suite struct ScoringApplicationTests {
    let metrics = ServiceMetrics()
    var application: ScoringApplication {
        ScoringApplication(router: ServiceRoutes.router(), observers: [metrics])
    }

    private func head(_ method: String = "POST", _ path: String = "/cce") -> RequestHead {
        RequestHead(
            method: method, path: path, contentType: "application/json", contentLength: 10)
    }

    @Test func scoringRoutesAreAdmittedWithTheirDecodingFactor() {
        for (path, factor) in [
            ("/cce", MemoryCharge.scoring), ("/bce", MemoryCharge.scoring), ("/batch", MemoryCharge.batch),
            ("/compare", MemoryCharge.compare),
        ] {
            let resolution = application.resolve(head("POST", path))
            #expect(resolution.label == path)
            guard case .buffer(let perByte, _) = resolution.admission else {
                Issue.record("\(path) was not admitted")
                continue
            }
            #expect(perByte == factor)
        }
        // The settings check the budget against `largest`: it must be the factor of some route, and
        // no route's factor may exceed it.
        #expect(MemoryCharge.largest == ServiceRoute.allCases.map { MemoryCharge.factor(for: $0) }.max())
    }

    @Test func badRequestsAreAnsweredAtTheHeaders() {
        let resolution = application.resolve(head("POST", "/nope"))
        #expect(resolution.label == ServiceRoute.unmatchedLabel)
        guard case .answer(let response) = resolution.admission else {
            Issue.record("an unknown route was admitted")
            return
        }
        #expect(response.status == 404)
    }

    @Test func refusalsArePlainProblems() {
        let cases: [(TransportRefusal, Int, ProblemType)] = [
            (.malformedFraming("two lengths"), 400, .badRequest),
            (.unsupportedTransferCoding("gzip"), 501, .notImplemented),
            (.bodyTooLarge(limit: 1000), 413, .bodyTooLarge),
            (.neverFits, 413, .bodyTooLarge),
            (.overBudget, 503, .overloaded),
        ]
        for (refusal, status, type) in cases {
            let response = application.refuse(head(), refusal)
            #expect(response.status == status)
            #expect(response.contentType == "application/problem+json")
            #expect(response.problem?.type == type)
            #expect(response.problem?.status == status)
        }
        #expect(application.refuse(head(), .overBudget).headers.contains { $0.name == "Retry-After" })
        #expect(application.refuse(head(), .malformedFraming("x")).problem?.detail == "x")
        // The limit comes from the transport's configuration, the one place it lives.
        let tooLarge = application.refuse(head(), .bodyTooLarge(limit: 1000)).problem?.detail ?? ""
        #expect(tooLarge.hasPrefix("the body is larger than 1000 bytes (--max-body-bytes); "), "\(tooLarge)")
        // And where a large set goes instead.
        #expect(tooLarge.contains("JSON Lines (POST /cce/lines)") && tooLarge.contains("data_base64"), "\(tooLarge)")
    }

    @Test func slowBodiesAndLibraryRefusalsAreCountedAndAbortsAreNot() {
        for reason in [FinishedExchange.CloseReason.slowBody, .aborted, .slowBody, .refusedByLibrary] {
            application.finished(
                FinishedExchange(
                    requestID: "r", head: head(), route: "/cce", outcome: .closed(reason), bytesIn: 0,
                    durationNanoseconds: 1))
        }
        application.finished(
            FinishedExchange(
                requestID: "r", head: head(), route: "/cce",
                outcome: .answered(application.refuse(head(), .unsupportedTransferCoding("gzip"))), bytesIn: 0,
                durationNanoseconds: 1))
        let text = String(decoding: metrics.exposition(requestsInFlight: 0), as: UTF8.self)
        #expect(text.contains(#"cross_entropy_requests_rejected_total{reason="slow_body"} 2"#))
        #expect(text.contains(#"cross_entropy_requests_rejected_total{reason="refused_by_library"} 1"#))
        #expect(!text.contains(#"reason="aborted""#))
        #expect(text.contains(#"cross_entropy_requests_rejected_total{reason="not_implemented"} 1"#))
        #expect(text.contains(#"http_requests_total{route="/cce",status="501"} 1"#))
    }
}
