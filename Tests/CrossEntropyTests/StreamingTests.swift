import Testing

@testable import CrossEntropy

/// `CategoricalStream` and `BinaryStream` fed in pieces of any size give the whole set's sums,
/// losses, accuracy and class losses bit for bit, and its moments to rounding.
@Suite struct StreamingTests {
    private struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state ^ (state >> 29)
        }
    }

    /// Piece sizes that cross the 2,048-row chunk boundaries at odd places.
    private static let splits: [[Int]] = [[1], [7, 2041, 1, 300], [5000]]

    private static func pieces(_ n: Int, _ sizes: [Int]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        var k = 0
        while start < n {
            let end = min(n, start + sizes[k % sizes.count])
            ranges.append(start..<end)
            start = end
            k += 1
        }
        return ranges
    }

    private static func rows(_ matrix: Matrix, _ range: Range<Int>) -> Matrix {
        Matrix(
            rows: range.count, columns: matrix.columns,
            values: Array(matrix.values[(range.lowerBound * matrix.columns)..<(range.upperBound * matrix.columns)]))
    }

    @Test(arguments: Convention.allCases)
    func categoricalPiecesEqualTheWholeSet(convention: Convention) {
        var random = Generator(state: 42)
        let (n, classes) = (4500, 5)
        var values: [Double] = []
        for _ in 0..<n {
            let row = (0..<classes).map { _ in Double.random(in: 0.01...1, using: &random) }
            let total = row.reduce(0, +)
            values += convention == .pytorch ? row.map { ($0 - 0.5) * 6 } : row.map { $0 / total }
        }
        let predictions = Matrix(rows: n, columns: classes, values: values)
        let labels = (0..<n).map { _ in Int.random(in: 0..<classes, using: &random) }
        let weights = (0..<n).map { _ in Double(Int.random(in: 0...6, using: &random)) / 3 }
        var options = LossOptions(
            convention: convention, predictionKind: convention == .pytorch ? .logits : .probabilities)
        options.classWeights = convention == .sklearn ? nil : [1, 0.5, 2, 1, 3]
        if convention != .pytorch { options.sampleWeights = weights }
        let whole = categoricalCrossEntropy(predictions: predictions, labels: .indices(labels), options: options)
        let accuracy = categoricalAccuracy(predictions: predictions, labels: .indices(labels), options: options)
        let moments = LossTerms.categorical(whole, labels: .indices(labels), options: options)
        for split in Self.splits {
            var stream = CategoricalStream(classes: classes, options: options, keepsLosses: true)
            for range in Self.pieces(n, split) {
                stream.add(
                    predictions: Self.rows(predictions, range), labels: .indices(Array(labels[range])),
                    sampleWeights: options.sampleWeights.map { Array($0[range]) })
            }
            let result = stream.result()
            #expect(result.loss == whole, "\(convention) \(split)")
            #expect(result.accuracy == accuracy)
            #expect(result.count == n)
            #expect(result.moments.denominator == moments.denominator)
            let (a, b) = (result.moments.standardError ?? 0, moments.standardError ?? 1)
            #expect(abs(a - b) <= 1e-13 * b)
        }
    }

    @Test(arguments: Convention.allCases)
    func binaryPiecesEqualTheWholeSet(convention: Convention) {
        var random = Generator(state: 7)
        let (n, classes) = (4200, 3)
        let predictions = Matrix(
            rows: n, columns: classes,
            values: (0..<(n * classes)).map { _ in Double.random(in: 0.01...0.99, using: &random) })
        let targets = Matrix(
            rows: n, columns: classes,
            values: (0..<(n * classes)).map { _ in Double(Int.random(in: 0...1, using: &random)) })
        var options = LossOptions(convention: convention, predictionKind: .probabilities)
        options.classWeights = [2, 1, 0.5]
        if convention != .pytorch {
            options.sampleWeights = (0..<n).map { _ in Double(Int.random(in: 0...6, using: &random)) / 3 }
        }
        let whole = binaryCrossEntropy(predictions: predictions, targets: targets, options: options)
        let accuracy = binaryAccuracy(predictions: predictions, targets: targets, options: options)
        for split in Self.splits {
            var stream = BinaryStream(classes: classes, options: options, keepsLosses: true)
            for range in Self.pieces(n, split) {
                stream.add(
                    predictions: Self.rows(predictions, range), targets: Self.rows(targets, range),
                    sampleWeights: options.sampleWeights.map { Array($0[range]) })
            }
            let result = stream.result()
            #expect(result.loss == whole, "\(convention) \(split)")
            #expect(result.accuracy == accuracy)
        }
    }

    /// Weights whose sum overflows float64: the whole-set path scales them by their largest's
    /// power of two; a stream reads its scaled sums, and answers the same bits (it answered 0,
    /// an outside tester found, dividing by an infinite total).
    @Test func accuracyOfWeightsWhoseSumOverflowsEqualsTheWholeSet() throws {
        let largest = Double.greatestFiniteMagnitude
        let predictions = Matrix([[0.24, 0.65, 0.11], [0.15, 0.28, 0.57], [0.9, 0.05, 0.05]])
        let labels = [0, 2, 0]
        let weights = [1e300, largest, largest]
        let whole = categoricalAccuracy(
            predictions: predictions, labels: .indices(labels), options: LossOptions(sampleWeights: weights))
        #expect(whole.map { $0 < 1 && $0 > 1 - 1e-8 } == true, "2M / (2M + 1e300)")
        var stream = CategoricalStream(classes: 3, options: LossOptions(), keepsLosses: false)
        for i in 0..<3 {
            stream.add(
                predictions: Self.rows(predictions, i..<(i + 1)), labels: .indices([labels[i]]),
                sampleWeights: [weights[i]])
        }
        #expect(stream.result().accuracy == whole)

        let p = Matrix([[0.9], [0.2], [0.7]])
        let y = Matrix([[1], [1], [1]])
        let wholeBinary = binaryAccuracy(predictions: p, targets: y, options: LossOptions(sampleWeights: weights))
        var binary = BinaryStream(classes: 1, options: LossOptions(), keepsLosses: false)
        for i in 0..<3 {
            binary.add(
                predictions: Self.rows(p, i..<(i + 1)), targets: Self.rows(y, i..<(i + 1)), sampleWeights: [weights[i]])
        }
        #expect(binary.result().accuracy == wholeBinary)
        #expect(try #require(wholeBinary) > 0.4 && wholeBinary! < 0.6)
    }
}
