// Mean average precision as scikit-learn's average_precision_score(average="macro")
// (sklearn/metrics/_ranking.py): per label, AP = sum_n (R_n - R_(n-1)) P_n over the distinct
// scores in decreasing order, no interpolation; a label with no positive has AP 0 (sklearn warns
// and sets its recall to one); mean over labels.
import SweepPluginAPI

/// Average precision per label, averaged over labels.
struct MeanAveragePrecision: MetricPlugin {
    static let name = "map"
    static let summary = "mean over labels of average precision (sklearn average_precision_score, macro)"
    static let higherIsBetter = true
    /// Hand-worked, sklearn's documentation example: scores (0.1, 0.4, 0.35, 0.8), labels (0, 0, 1, 1).
    /// Thresholds 0.8: R 1/2, P 1; 0.4: R 1/2; 0.35: R 1, P 2/3. AP = 1/2 + 1/2 * 2/3 = 5/6.
    static let examples = [
        MetricExample(input: MetricInput(scores: [0.1, 0.4, 0.35, 0.8], targets: [0, 0, 1, 1], rows: 4, columns: 1),
                      expected: 5.0 / 6.0),
    ]
    static func range(columns: Int) -> ClosedRange<Double> { 0...1 }
    init(parameters: PluginParameters) throws {}

    func evaluate(_ input: MetricInput) -> Double {
        input.meanOverColumns { s, t in averagePrecision(scores: s, labels: t) }
    }
}
