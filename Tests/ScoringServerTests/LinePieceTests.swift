import CrossEntropy
import Testing

@testable import ScoringServer

/// The worker's joining of consecutive lines into one piece for the merge (`LinePiece`).
struct LinePieceTests {
    private static func categorical(
        _ rows: [[Double]], _ labels: CategoricalLabels, weights: [Double]? = nil, perSample: Bool = false,
        convention: Convention = .document
    ) -> ScoringJob {
        var options = LossOptions()
        options.convention = convention
        options.sampleWeights = weights
        var answer = AnswerOptions()
        answer.perSample = perSample
        return .categorical(
            predictions: Matrix(rows: rows.count, columns: rows[0].count, values: rows.flatMap { $0 }),
            labels: labels, options: options, answer: answer)
    }

    @Test func consecutiveAgreeingLinesBecomeOneJobInLineOrder() throws {
        var piece = LinePiece(Self.categorical([[0.2, 0.8]], .indices([1]), weights: [2]), index: 40)
        let joined1 = piece.join(Self.categorical([[0.5, 0.5], [0.9, 0.1]], .indices([0, 0]), weights: [0, 1]))
        #expect(joined1)
        let joined2 = piece.join(Self.categorical([[0.3, 0.7]], .indices([1]), weights: [4]))
        #expect(joined2)
        #expect(piece.index == 40)
        guard case .categorical(let predictions, let labels, let options, _) = piece.job else {
            Issue.record("not categorical")
            return
        }
        #expect(predictions == Matrix(rows: 4, columns: 2, values: [0.2, 0.8, 0.5, 0.5, 0.9, 0.1, 0.3, 0.7]))
        #expect(labels == .indices([1, 0, 0, 1]))
        #expect(options.sampleWeights == [2, 0, 1, 4])
    }

    @Test func aLoneLineIsItsOwnJob() throws {
        let job = Self.categorical([[0.5, 0.5]], .distributions(Matrix(rows: 1, columns: 2, values: [0, 1])))
        guard case .categorical(_, let labels, _, _) = LinePiece(job, index: 0).job else {
            Issue.record("not categorical")
            return
        }
        #expect(labels == .distributions(Matrix(rows: 1, columns: 2, values: [0, 1])))
    }

    /// What the merge checks per line (classes, label form) and what a piece holds once (the
    /// options, whether there are weights) must agree, else the line starts a piece of its own.
    @Test func linesThatDisagreeDoNotJoin() throws {
        var piece = LinePiece(Self.categorical([[0.2, 0.8]], .indices([1])), index: 0)
        let joined3 = piece.join(Self.categorical([[0.2, 0.3, 0.5]], .indices([1])))
        #expect(!joined3)
        let joined4 = piece.join(
            Self.categorical([[0.2, 0.8]], .distributions(Matrix(rows: 1, columns: 2, values: [0, 1]))))
        #expect(!joined4)
        let joined5 = piece.join(Self.categorical([[0.2, 0.8]], .indices([1]), weights: [1]))
        #expect(!joined5)
        let joined6 = piece.join(Self.categorical([[0.2, 0.8]], .indices([1]), convention: .keras))
        #expect(!joined6)
        let binary = ScoringJob.binary(
            predictions: Matrix(rows: 1, columns: 2, values: [0.2, 0.8]),
            targets: Matrix(rows: 1, columns: 2, values: [0, 1]), options: LossOptions(), answer: AnswerOptions())
        let joined7 = piece.join(binary)
        #expect(!joined7)
        guard case .categorical(let predictions, _, _, _) = piece.job else {
            Issue.record("not categorical")
            return
        }
        #expect(predictions.rows == 1)
    }

    /// A per-sample stream's --max-samples check names the line that passes it: not joined.
    @Test func perSampleLinesAreNotJoined() {
        #expect(!LinePiece.canJoin(Self.categorical([[0.2, 0.8]], .indices([1]), perSample: true)))
        #expect(LinePiece.canJoin(Self.categorical([[0.2, 0.8]], .indices([1]))))
    }
}
