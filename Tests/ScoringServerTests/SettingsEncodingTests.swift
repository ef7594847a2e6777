import CrossEntropy
import Testing

@testable import ScoringServer

/// `settings` copied from the table of defaults is the object written member by member, for
/// the defaults and for every option that takes a request off them.
struct SettingsEncodingTests {
    private static func written(
        _ options: LossOptions, loss: LossKind, indexLabels: Bool, answer: AnswerOptions, fresh: Bool
    ) -> String {
        var json = JSONWriter()
        json.object { object in
            if fresh {
                SettingsEncoding.writeObject(options, loss: loss, indexLabels: indexLabels, answer: answer, to: &object)
            } else {
                SettingsEncoding.write(options, loss: loss, indexLabels: indexLabels, answer: answer, to: &object)
            }
        }
        return String(decoding: json.bytes, as: UTF8.self)
    }

    @Test func theTableOfDefaultsWritesWhatTheMembersWrite() {
        var variants: [(LossOptions, AnswerOptions)] = []
        for convention in Convention.allCases {
            for kind in [PredictionKind.probabilities, .logits] {
                let defaults = LossOptions(convention: convention, predictionKind: kind)
                var changes: [(inout LossOptions, inout AnswerOptions) -> Void] = [
                    { _, _ in },
                    { options, _ in options.sampleWeights = [1, 2] },
                    { options, _ in options.classWeights = [1, 2] },
                    { options, _ in options.positiveWeights = [1, 2] },
                    { options, _ in options.labelSmoothing = 0.1 },
                    { options, _ in options.base = options.base == .two ? .e : .two },
                    { options, _ in options.base = .ten },
                    { options, _ in options.clipping = Clipping(epsilon: 1e-3) },
                    { options, _ in options.clipping = Clipping(epsilon: 0) },
                    { _, answer in answer.ignoreIndex = -100 },
                    { _, answer in answer.confidence = 0.9 },
                ]
                changes.append({ options, answer in
                    options.sampleWeights = [1]
                    answer.perSample = false
                    answer.model = "m"
                })
                for change in changes {
                    var options = defaults
                    var answer = AnswerOptions()
                    change(&options, &answer)
                    variants.append((options, answer))
                }
            }
        }
        for (options, answer) in variants {
            for loss in LossKind.allCases {
                for indexLabels in [false, true] {
                    let copied = Self.written(
                        options, loss: loss, indexLabels: indexLabels, answer: answer, fresh: false)
                    let fresh = Self.written(options, loss: loss, indexLabels: indexLabels, answer: answer, fresh: true)
                    #expect(copied == fresh, "\(options) \(answer) \(loss) \(indexLabels)")
                }
            }
        }
        #expect(variants.count == 96)
    }
}
