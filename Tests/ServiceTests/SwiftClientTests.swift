import CrossEntropyClient
import Foundation
import OpenAPIURLSession
import TestSupport
import Testing

/// The Swift client generated from openapi.yaml (CrossEntropyClient) against the real binary:
/// each answer decodes as its own type, batch entries by their `kind`.
@Suite struct SwiftClientTests {
    let client = Client(
        serverURL: URL(string: "http://127.0.0.1:\(ServiceProcess.shared.port)")!,
        transport: URLSessionTransport())

    @Test func categoricalAndBinary() async throws {
        let cce = try await client.categoricalCrossEntropy(
            body: .json(.init(predictions: .case1([[0.2, 0.7, 0.1]]), labels: .case1([1])))
        ).ok.body.json
        #expect(cce.loss == 0.514_573_172_829_758_3)
        #expect(cce.band == .moderate)
        #expect(cce.base.value1 == ._2)

        // A field whose default depends on the convention is left out, never sent as a default.
        let sklearn = try await client.categoricalCrossEntropy(
            body: .json(
                .init(predictions: .case1([[0.2, 0.7, 0.1]]), labels: .case1([1]), convention: .sklearn))
        ).ok.body.json
        #expect(sklearn.loss == 0.356_674_943_938_732_45)
        #expect(sklearn.base.value2 == .e)

        let bce = try await client.binaryCrossEntropy(
            body: .json(.init(predictions: .Matrix(.case1([[0.8, 0.4, 0.6]])), labels: .Matrix(.case1([[1, 0, 1]]))))
        ).ok.body.json
        #expect(bce.loss == 1.795_859_283_219_774_8)

        // A binary classifier's flat output, as n × 1.
        let flat = try await client.binaryCrossEntropy(
            body: .json(.init(predictions: .case2([0.8, 0.4]), labels: .case2([1, 0])))
        ).ok.body.json
        #expect(flat.n == 2 && flat.classes == 1)
        #expect(abs(flat.loss - -(log2(0.8) + log2(0.6)) / 2) <= 1e-15)
        #expect(bce.classLosses.count == 3)

        let broken = try await client.categoricalCrossEntropy(
            body: .json(.init(predictions: .case1([[0.5, 0.6]]), labels: .case1([0])))
        ).unprocessableContent.body.applicationProblemJson
        #expect(broken.errors?.first?.pointer == "/predictions/0")
    }

    @Test func aComparisonDecodesAsItsOwnType() async throws {
        let request = Components.Schemas.ComparisonRequest.cce(
            .init(
                loss: .cce,
                baseline: .case1([[0.5, 0.3, 0.2], [0.3, 0.4, 0.3], [0.2, 0.3, 0.5], [0.3, 0.5, 0.2]]),
                candidate: .case1([[0.7, 0.2, 0.1], [0.2, 0.6, 0.2], [0.1, 0.2, 0.7], [0.2, 0.6, 0.2]]),
                labels: .case1([0, 1, 2, 1])))
        let comparison = try await client.compare(body: .json(request)).ok.body.json
        #expect(comparison.verdict == .candidateBetter)
        let baseline = try #require(comparison.baseline.value1?.loss)
        let candidate = try #require(comparison.candidate.value1?.loss)
        let mean = try #require(comparison.difference.mean)
        #expect(abs(mean - (candidate - baseline)) < 1e-15)
        #expect(comparison.difference.confidence == 0.95)
        let p = try #require(comparison.difference.pValue)
        #expect(p > 0 && p < 0.05)
    }

    @Test func batchEntriesDecodeByKind() async throws {
        let jobs: [Components.Schemas.BatchJob] = [
            .cce(.init(id: "dog", loss: .cce, predictions: .case1([[0.2, 0.7, 0.1]]), labels: .case1([1]))),
            .bce(
                .init(
                    id: "cat-rabbit", loss: .bce, predictions: .Matrix(.case1([[0.8, 0.4, 0.6]])),
                    labels: .Matrix(.case1([[1, 0, 1]])))),
        ]
        let results = try await client.batch(body: .json(.init(jobs: jobs))).ok.body.json.results
        guard case .cce(let dog) = results.first, case .bce(let cat) = results.last else {
            Issue.record("unexpected entries: \(results)")
            return
        }
        #expect(dog.id == "dog" && dog.status == ._200)
        #expect(dog.result?.loss == 0.514_573_172_829_758_3)
        #expect(cat.result?.classLosses.count == 3)
        #expect(cat.result?.loss == 1.795_859_283_219_774_8)
    }

    @Test func bands() async throws {
        let answer = try await client.bands().ok
        let tables = try answer.body.json
        // Numeric edges (a Double, not a union); the chance level's rule in a field of its own.
        #expect(tables.cce.bands.map(\.maxLossBits).contains(1))
        #expect(tables.cce.bands.compactMap(\.maxLossBitsRule) == [.log2_lpar_classes_rpar_])
        #expect(answer.headers.xRequestId.count == 32)
        #expect(tables.bce.bands.map(\.name) == [.veryGood, .good, .moderatelyWrong, .wrong])
    }
}
