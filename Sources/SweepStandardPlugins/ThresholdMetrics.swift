// Hamming loss and subset accuracy as scikit-learn's hamming_loss and accuracy_score on
// multilabel indicator input (sklearn/metrics/_classification.py); predictions are score > threshold.
import SweepPluginAPI

/// Hand-worked: targets ((1,0,1), (0,1,0)), predictions ((1,1,0), (0,1,0)).
private let thresholdExample = MetricInput(scores: [0.9, 0.6, 0.4, 0.1, 0.7, 0.2], targets: [1, 0, 1, 0, 1, 0],
                                           rows: 2, columns: 3)

/// The share of cells predicted wrongly.
struct HammingLoss: MetricPlugin {
    static let name = "hamming_loss"
    static let summary = "share of label cells predicted wrongly (sklearn hamming_loss)"
    static let higherIsBetter = false
    /// Two of six cells differ.
    static let examples = [MetricExample(input: thresholdExample, expected: 2.0 / 6.0)]
    static func range(columns: Int) -> ClosedRange<Double> { 0...1 }
    init(parameters: PluginParameters) throws {}

    func evaluate(_ input: MetricInput) -> Double {
        if input.hasNaNScore { return .nan }
        var wrong = 0
        for i in 0..<(input.rows * input.columns) where (input.scores[i] > input.threshold) != (input.targets[i] != 0) {
            wrong += 1
        }
        return Double(wrong) / Double(input.rows * input.columns)
    }
}

/// The share of samples whose predicted label set is exactly the true one.
struct SubsetAccuracy: MetricPlugin {
    static let name = "subset_accuracy"
    static let summary = "share of samples whose whole label set is predicted exactly (sklearn accuracy_score)"
    static let higherIsBetter = true
    /// The second row matches, the first does not.
    static let examples = [MetricExample(input: thresholdExample, expected: 0.5)]
    static func range(columns: Int) -> ClosedRange<Double> { 0...1 }
    init(parameters: PluginParameters) throws {}

    func evaluate(_ input: MetricInput) -> Double {
        input.meanOverRows { s, t in
            zip(s, t).contains(where: { ($0 > input.threshold) != ($1 != 0) }) ? 0 : 1
        }
    }
}
