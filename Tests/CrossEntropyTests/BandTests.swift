import CrossEntropy
import Foundation
import Testing

/// Every band edge: the document's reference points land on their labels, and values just
/// past an edge fall into the next band.
@Suite struct BandTests {
    @Test func categoricalReferencePoints() {
        let cases: [(Double, CategoricalBand)] = [
            (0, .perfect),
            (1e-13, .perfect),
            (-log2(0.9), .highConfidence),
            (-log2(0.7), .moderate),
            (1.0, .low),
            (log2(3.0), .veryLow),
            (-log2(0.1), .wrong),
        ]
        for (loss, band) in cases {
            #expect(CategoricalBand.of(loss: loss, classes: 3, base: .two) == band, "loss \(loss)")
        }
    }

    @Test func categoricalEdgesAreInclusiveAndSharp() {
        let edges: [(probability: Double, at: CategoricalBand, past: CategoricalBand)] = [
            (0.9, .highConfidence, .moderate),
            (0.7, .moderate, .low),
            (0.5, .low, .veryLow),
            (1.0 / 3.0, .veryLow, .wrong),
        ]
        for edge in edges {
            let loss = -log2(edge.probability)
            #expect(CategoricalBand.of(loss: loss, classes: 3, base: .two) == edge.at)
            #expect(CategoricalBand.of(loss: loss * (1 + 1e-6), classes: 3, base: .two) == edge.past)
            #expect(CategoricalBand.of(loss: loss * (1 - 1e-6), classes: 3, base: .two) == edge.at)
        }
        #expect(CategoricalBand.of(loss: 2e-12, classes: 3, base: .two) == .highConfidence)
    }

    @Test func chanceLevelDependsOnClasses() {
        // 1.5 bits: p ≈ 0.354, above chance for 3 classes, below it for 2.
        #expect(CategoricalBand.of(loss: 1.5, classes: 3, base: .two) == .veryLow)
        #expect(CategoricalBand.of(loss: 1.5, classes: 2, base: .two) == .wrong)
        #expect(CategoricalBand.of(loss: log2(10.0), classes: 10, base: .two) == .veryLow)
    }

    @Test(arguments: [LogBase.two, .e, .ten])
    func categoricalBandsIgnoreTheBase(base: LogBase) {
        for p in [0.95, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 1.0 / 3.0, 0.2] {
            let loss = -base.log(p)
            #expect(
                CategoricalBand.of(loss: loss, classes: 3, base: base)
                    == CategoricalBand.of(loss: -log2(p), classes: 3, base: .two)
            )
        }
    }

    @Test func binaryEdges() {
        let cases: [(Double, BinaryBand)] = [
            (0, .veryGood), (0.5, .veryGood), (0.500_001, .good), (1.0, .good), (1.000_001, .moderatelyWrong),
            (1.795_859, .moderatelyWrong), (2.0, .moderatelyWrong), (2.000_001, .wrong), (40, .wrong),
        ]
        for (bits, band) in cases {
            #expect(BinaryBand.of(loss: bits, base: .two) == band, "\(bits) bits")
        }
    }

    @Test func binaryBandsConvertToBits() {
        // 0.5 bits is 0.5·ln 2 nats and 0.5·log10 2 hartleys.
        #expect(BinaryBand.of(loss: 0.5 * log(2.0), base: .e) == .veryGood)
        #expect(BinaryBand.of(loss: 0.5 * log(2.0) * 1.000_01, base: .e) == .good)
        #expect(BinaryBand.of(loss: 2 * log10(2.0), base: .ten) == .moderatelyWrong)
        #expect(BinaryBand.of(loss: 2 * log10(2.0) * 1.000_01, base: .ten) == .wrong)
    }
}
