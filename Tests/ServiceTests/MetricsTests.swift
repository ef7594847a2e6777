import Dispatch
import Foundation
import HTTPTransport
import TestSupport
import Testing

/// GET /metrics: Prometheus text, exact under concurrency.
@Suite struct MetricsTests {
    @Test func countersAreExactUnderConcurrency() throws {
        let service = try ServiceProcess.start(extraArguments: ["--threads", "4"])
        defer { service.stop() }
        let clients = 12
        let each = 40
        let failures = Locked(0)
        DispatchQueue.concurrentPerform(iterations: clients) { _ in
            do {
                let connection = try HTTPConnection(port: service.port)
                for k in 0..<each {
                    let body = k % 4 == 3 ? "{" : #"{"predictions":[[0.2,0.7,0.1],[0.5,0.25,0.25]],"labels":[1,0]}"#
                    try connection.send(
                        "POST", "/cce", headers: [("Content-Type", "application/json")], body: Array(body.utf8))
                    _ = try connection.readResponse()
                }
            } catch {
                failures.withLock { $0 += 1 }
            }
        }
        #expect(failures.withLock { $0 } == 0)
        let total = clients * each
        let answer = try httpRequest(port: service.port, "GET", "/metrics")
        #expect(answer.status == 200)
        #expect(answer.header("Content-Type") == "text/plain; version=0.0.4")
        let text = answer.text
        #expect(metricValue(text, #"http_requests_total{route="/cce",status="200"}"#) == Double(total * 3 / 4))
        #expect(metricValue(text, #"http_requests_total{route="/cce",status="400"}"#) == Double(total / 4))
        #expect(
            metricValue(text, #"cross_entropy_requests_rejected_total{reason="invalid_json"}"#) == Double(total / 4))
        #expect(
            metricValue(text, #"cross_entropy_samples_scored_total{loss="cce",model="none"}"#)
                == Double(total * 3 / 4 * 2))
        #expect(metricValue(text, #"http_request_duration_seconds_count{route="/cce"}"#) == Double(total))
        #expect(metricValue(text, "http_request_body_bytes_count") == Double(total))
        // Only the scrape itself once every answered request has been completed (libmicrohttpd
        // finishes a request just after its last byte is sent, so allow it a moment).
        var inFlight = metricValue(text, "http_requests_in_flight")
        for _ in 0..<40 where inFlight != 1 {
            Thread.sleep(forTimeInterval: 0.05)
            inFlight = metricValue(
                try httpRequest(port: service.port, "GET", "/metrics").text, "http_requests_in_flight")
        }
        #expect(inFlight == 1)
    }

    @Test func rejectionsAreCountedByReason() throws {
        let service = try ServiceProcess.start(extraArguments: ["--max-body-bytes", "100"])
        defer { service.stop() }
        _ = try httpRequest(port: service.port, "POST", "/cce", json: String(repeating: " ", count: 200))
        _ = try httpRequest(port: service.port, "POST", "/cce", json: "a=b", headers: [("Content-Type", "text/plain")])
        _ = try httpRequest(port: service.port, "POST", "/cce", json: #"{"predictions":[[2,0]],"labels":[0]}"#)
        _ = try httpRequest(port: service.port, "POST", "/cce", json: #"{"predictions":[[1,0]],"labels":[0],"x":1}"#)
        _ = try httpRequest(port: service.port, "GET", "/nowhere")
        let text = try httpRequest(port: service.port, "GET", "/metrics").text
        for reason in ["body_too_large", "unsupported_media_type", "validation", "unknown_field", "not_found"] {
            #expect(metricValue(text, "cross_entropy_requests_rejected_total{reason=\"\(reason)\"}") == 1, "\(reason)")
        }
        #expect(metricValue(text, #"http_requests_total{route="unmatched",status="404"}"#) == 1)
    }

    @Test func everyFamilyIsExplainedAndEveryRouteAndStatusIsMadeUpFront() throws {
        let port = ServiceProcess.shared.port
        let text = try httpRequest(port: port, "GET", "/metrics").text
        for family in [
            "http_requests_total", "http_request_duration_seconds", "http_request_body_bytes",
            "http_requests_in_flight", "cross_entropy_samples_scored_total", "cross_entropy_requests_rejected_total",
            "cross_entropy_samples_scored_by_band_total", "cross_entropy_answer_loss",
            "cross_entropy_service_build_info",
            "process_cpu_seconds_total", "process_resident_memory_bytes", "process_virtual_memory_bytes",
            "process_open_fds", "process_max_fds", "process_start_time_seconds",
        ] {
            #expect(text.contains("# HELP \(family) "), "\(family)")
        }
        // The route labels are GET /'s routes and "unmatched"; a status no route has answered
        // yet is there already, at 0.
        let routes = try httpRequest(port: port, "GET", "/").json["routes"]?.array ?? []
        #expect(routes.count == 12)
        let paths = routes.compactMap { route -> String? in route.string.map { String($0.drop { $0 != "/" }) } }
        for route in paths + ["unmatched"] {
            #expect(metricValue(text, "http_requests_total{route=\"\(route)\",status=\"415\"}") != nil, "\(route)")
        }
        #expect(metricValue(text, #"cross_entropy_requests_rejected_total{reason="overloaded"}"#) != nil)
        #expect(
            metricValue(text, #"cross_entropy_samples_scored_by_band_total{loss="bce",band="wrong",model="none"}"#)
                != nil)
    }

    /// Samples by band and each answer's loss in bits, with or without the per-sample arrays,
    /// from single answers and batch jobs alike; a failed job counts nothing.
    @Test func modelQualityIsCountedByBandAndLossInBits() throws {
        let service = try ServiceProcess.start()
        defer { service.stop() }
        // Two samples, moderate (0.515 bits) and high confidence (0.152 bits), given in nats.
        let two = #""predictions":[[0.2,0.7,0.1],[0.9,0.05,0.05]],"labels":[1,0],"base":"e""#
        _ = try httpRequest(port: service.port, "POST", "/cce", json: "{\(two)}")
        _ = try httpRequest(port: service.port, "POST", "/cce", json: "{\(two),\"per_sample\":false}")
        let jobs = """
            {"jobs":[{"id":"a","loss":"cce",\(two)},
            {"id":"b","loss":"bce","predictions":[[0.8,0.4,0.6]],"labels":[[1,0,1]],"per_sample":false},
            {"id":"c","loss":"cce","predictions":[[0.5,0.6]],"labels":[0]}]}
            """
        #expect(try httpRequest(port: service.port, "POST", "/batch", json: jobs).status == 200)
        let text = try httpRequest(port: service.port, "GET", "/metrics").text
        let band = { (loss: String, band: String) in
            metricValue(
                text, "cross_entropy_samples_scored_by_band_total{loss=\"\(loss)\",band=\"\(band)\",model=\"none\"}")
        }
        #expect(band("cce", "moderate") == 3)
        #expect(band("cce", "high_confidence") == 3)
        #expect(band("cce", "wrong") == 0)
        #expect(band("bce", "moderately_wrong") == 1)
        #expect(metricValue(text, #"cross_entropy_samples_scored_total{loss="cce",model="none"}"#) == 6)
        #expect(metricValue(text, #"cross_entropy_answer_loss_count{loss="cce",model="none"}"#) == 3)
        // Each answer's mean, (0.515 + 0.152) / 2 bits, whatever base it was given in.
        let cceBits = (-log2(0.7) - log2(0.9)) / 2
        let cceSum = try #require(metricValue(text, #"cross_entropy_answer_loss_sum{loss="cce",model="none"}"#))
        #expect(abs(cceSum - 3 * cceBits) < 1e-12)
        #expect(metricValue(text, #"cross_entropy_answer_loss_bucket{loss="cce",model="none",le="0.5"}"#) == 3)
        #expect(metricValue(text, #"cross_entropy_answer_loss_bucket{loss="cce",model="none",le="0.152"}"#) == 0)
        let bceSum = try #require(metricValue(text, #"cross_entropy_answer_loss_sum{loss="bce",model="none"}"#))
        #expect(abs(bceSum - 1.795_859_283_219_774_8) < 1e-12)
    }

    /// The `model` label: an allowed name gets its own series, made at start-up (at 0 before any
    /// answer); any other name is counted as `other`, no name as `none`; a name breaking the
    /// rule is a 422 and counts nowhere. The allow-list comes from MODEL_LABELS as well.
    @Test func modelLabelsComeFromTheAllowList() throws {
        let service = try ServiceProcess.start(
            extraArguments: ["--model-labels", "resnet-50:v2,bert.base"], environment: ["MODEL_LABELS": "ignored"])
        defer { service.stop() }
        let samples = { (text: String, model: String) in
            metricValue(text, "cross_entropy_samples_scored_total{loss=\"cce\",model=\"\(model)\"}")
        }
        let before = try httpRequest(port: service.port, "GET", "/metrics").text
        for model in ["resnet-50:v2", "bert.base", "other", "none"] { #expect(samples(before, model) == 0, "\(model)") }
        #expect(samples(before, "ignored") == nil)  // the flag wins over the environment

        let two = #""predictions":[[0.2,0.7,0.1],[0.5,0.25,0.25]],"labels":[1,0]"#
        for (model, status) in [
            ("\"resnet-50:v2\"", 200), ("\"gpt\"", 200), ("\"\(String(repeating: "m", count: 64))\"", 200),
            ("\"\(String(repeating: "m", count: 65))\"", 422), ("\"bert base\"", 422), ("\"\"", 422),
            ("\"none\"", 200),
        ] {
            let answer = try httpRequest(port: service.port, "POST", "/cce", json: "{\(two),\"model\":\(model)}")
            #expect(answer.status == status, "\(model): \(answer.text)")
            if status == 200 { #expect(answer.json["model"]?.jsonText == model) }
            if status == 422 { #expect(answer.json.problemPointers == ["/model"], "\(answer.text)") }
        }
        _ = try httpRequest(port: service.port, "POST", "/cce", json: "{\(two)}")
        let job = #"{"jobs":[{"id":"a","loss":"cce","model":"bert.base","#
        #expect(try httpRequest(port: service.port, "POST", "/batch", json: job + two + "}]}").status == 200)
        let text = try httpRequest(port: service.port, "GET", "/metrics").text
        #expect(samples(text, "resnet-50:v2") == 2)
        #expect(samples(text, "bert.base") == 2)
        #expect(samples(text, "other") == 6)  // "gpt", 64 m's, and "none" sent as a name
        #expect(samples(text, "none") == 2)
        #expect(samples(text, "gpt") == nil)
        #expect(metricValue(text, #"cross_entropy_answer_loss_count{loss="cce",model="bert.base"}"#) == 1)
        #expect(
            metricValue(text, #"cross_entropy_samples_scored_by_band_total{loss="bce",band="wrong",model="other"}"#)
                == 0)
    }

    /// MODEL_LABELS alone sets the allow-list.
    @Test func modelLabelsFromTheEnvironment() throws {
        let service = try ServiceProcess.start(environment: ["MODEL_LABELS": "fraud:v3"])
        defer { service.stop() }
        let body = #"{"predictions":[[0.6]],"labels":[1],"model":"fraud:v3"}"#
        #expect(try httpRequest(port: service.port, "POST", "/bce", json: body).status == 200)
        let text = try httpRequest(port: service.port, "GET", "/metrics").text
        #expect(metricValue(text, #"cross_entropy_samples_scored_total{loss="bce",model="fraud:v3"}"#) == 1)
        #expect(metricValue(text, #"cross_entropy_samples_scored_total{loss="bce",model="other"}"#) == 0)
    }

    /// A list the service cannot use stops it at start-up with one line (exit 2).
    @Test func aBadAllowListStopsTheStart() throws {
        for list in ["ok,bad name", "other", "a,a", String(repeating: "x", count: 65)] {
            let run = try ServiceProcess.run(arguments: ["--model-labels", list, "--port", "0"])
            #expect(run.status == 2, "\(list)")
            #expect(run.stderr.hasPrefix("--model-labels (MODEL_LABELS): "), "\(run.stderr)")
        }
    }

    /// An answer finite in hartleys but infinite in bits, and two of ~1e308 bits whose sum
    /// would overflow: every exposed value stays finite (the histogram records at most 2^900
    /// bits), and the service keeps counting.
    @Test func extremeLossesLeaveEveryExposedValueFinite() throws {
        let service = try ServiceProcess.start()
        defer { service.stop() }
        let text = try Self.scrapeAfterExtremeLosses(port: service.port)
        #expect(metricValue(text, #"cross_entropy_answer_loss_count{loss="cce",model="none"}"#) == 4)
        #expect(metricValue(text, #"cross_entropy_answer_loss_bucket{loss="cce",model="none",le="+Inf"}"#) == 4)
        #expect(metricValue(text, #"cross_entropy_answer_loss_bucket{loss="cce",model="none",le="16.0"}"#) == 1)
        let sum = try #require(metricValue(text, #"cross_entropy_answer_loss_sum{loss="cce",model="none"}"#))
        #expect(sum == 3 * 0x1p900)  // the ordinary answer's 0.33 bits is below its last digit
        var samples = 0
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let number = line.split(separator: " ").last.flatMap { Double($0) }
            #expect(number?.isFinite == true, "\(line)")
            samples += 1
        }
        #expect(samples > 100)
    }

    /// `promtool check metrics` accepts the scrape taken after those answers.
    @Test(.enabled(if: Self.promtool != nil)) func promtoolAcceptsTheScrapeAfterExtremeLosses() throws {
        let service = try ServiceProcess.start()
        defer { service.stop() }
        let text = try Self.scrapeAfterExtremeLosses(port: service.port)
        let process = Process()
        process.executableURL = try #require(Self.promtool)
        process.arguments = ["check", "metrics"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let report = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(report)")
    }

    static let promtool: URL? = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin")
        .split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent("promtool") }
        .first { FileManager.default.isExecutableFile(atPath: $0.path) }

    /// Three answers past 2^900 bits (one infinite in bits) and one ordinary one, then a scrape.
    private static func scrapeAfterExtremeLosses(port: UInt16) throws -> String {
        let hartleys = #"{"predictions":[[-1.7e308,1.7e308]],"labels":[0],"input":"logits","base":10}"#
        let bits = #"{"predictions":[[-1.5e308,0]],"labels":[0],"input":"logits","class_weights":[0.5,1]}"#
        let ordinary = #"{"predictions":[[0.2,0.7,0.1],[0.9,0.05,0.05]],"labels":[1,0]}"#
        for body in [hartleys, bits, bits, ordinary] {
            let answer = try httpRequest(port: port, "POST", "/cce", json: body)
            #expect(answer.status == 200, "\(body): \(answer.text)")
        }
        return try httpRequest(port: port, "GET", "/metrics").text
    }

    /// A /compare answer counts the candidate's samples once: the baseline is a reference.
    @Test func aComparisonCountsTheCandidateOnly() throws {
        let service = try ServiceProcess.start()
        defer { service.stop() }
        // The candidate: moderate (0.515 bits) and high confidence (0.152 bits); the baseline wrong.
        let body = """
            {"loss":"cce","labels":[1,0],"baseline":[[0.9,0.05,0.05],[0.1,0.8,0.1]],
            "candidate":[[0.2,0.7,0.1],[0.9,0.05,0.05]]}
            """
        let answer = try httpRequest(port: service.port, "POST", "/compare", json: body)
        #expect(answer.status == 200)
        #expect(answer.json["verdict"]?.string == "no_significant_difference")
        let text = try httpRequest(port: service.port, "GET", "/metrics").text
        #expect(metricValue(text, #"cross_entropy_samples_scored_total{loss="cce",model="none"}"#) == 2)
        #expect(
            metricValue(text, #"cross_entropy_samples_scored_by_band_total{loss="cce",band="moderate",model="none"}"#)
                == 1)
        #expect(
            metricValue(
                text, #"cross_entropy_samples_scored_by_band_total{loss="cce",band="high_confidence",model="none"}"#)
                == 1)
        #expect(
            metricValue(text, #"cross_entropy_samples_scored_by_band_total{loss="cce",band="wrong",model="none"}"#) == 0
        )
        #expect(metricValue(text, #"cross_entropy_answer_loss_count{loss="cce",model="none"}"#) == 1)
        let sum = try #require(metricValue(text, #"cross_entropy_answer_loss_sum{loss="cce",model="none"}"#))
        #expect(abs(sum - (-log2(0.7) - log2(0.9)) / 2) < 1e-12)
        #expect(metricValue(text, #"http_requests_total{route="/compare",status="200"}"#) == 1)
    }

    /// The families every Prometheus client library exposes, read from /proc/self at scrape time.
    @Test func processAndBuildFamiliesAreThere() throws {
        let service = try ServiceProcess.start()
        defer { service.stop() }
        _ = try httpRequest(port: service.port, "GET", "/")
        let text = try httpRequest(port: service.port, "GET", "/metrics").text
        #expect(metricValue(text, #"cross_entropy_service_build_info{version="1.0.0"}"#) == 1)
        let resident = try #require(metricValue(text, "process_resident_memory_bytes"))
        let virtual = try #require(metricValue(text, "process_virtual_memory_bytes"))
        #expect(resident > 1_000_000 && virtual >= resident)
        let open = try #require(metricValue(text, "process_open_fds"))
        let max = try #require(metricValue(text, "process_max_fds"))
        #expect(open >= 3 && max >= open)
        #expect(try #require(metricValue(text, "process_cpu_seconds_total")) >= 0)
        // Started within the last few minutes (the clock and /proc's boot time agree to ~1 s).
        let started = try #require(metricValue(text, "process_start_time_seconds"))
        let now = Date().timeIntervalSince1970
        #expect(started <= now + 2 && started > now - 600)
    }
}
