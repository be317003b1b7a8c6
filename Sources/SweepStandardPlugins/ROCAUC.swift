// ROC AUC as scikit-learn's roc_auc_score on multilabel scores (sklearn/metrics/_ranking.py,
// _average_binary_score). A row (samples) or label (macro) whose targets are all 0 or all 1 has
// no AUC: scikit-learn 1.9 warns "Only one class is present in y_true" and its average is NaN
// (older versions raise); we return NaN for the metric.
import SweepPluginAPI

/// Hand-worked: scores (0.1, 0.4, 0.35, 0.8) for labels (0, 0, 1, 1) rank 3 of the 4
/// positive/negative pairs correctly: AUC 0.75 (the example of sklearn's documentation).
private let aucScores: [Double] = [0.1, 0.4, 0.35, 0.8]
private let aucLabels: [UInt8] = [0, 0, 1, 1]

/// ROC AUC of each row's scores over the labels, averaged over rows.
struct ROCAUCSamples: MetricPlugin {
    static let name = "roc_auc_samples"
    static let summary = "ROC AUC per sample over its label scores, averaged (sklearn average='samples'); NaN if a sample has one class"
    static let higherIsBetter = true
    static let examples = [
        MetricExample(input: MetricInput(scores: aucScores, targets: aucLabels, rows: 1, columns: 4), expected: 0.75),
        // A second row with every label false is undefined.
        MetricExample(input: MetricInput(scores: aucScores + aucScores, targets: aucLabels + [0, 0, 0, 0],
                                         rows: 2, columns: 4), expected: .nan),
    ]
    static func range(columns: Int) -> ClosedRange<Double> { 0...1 }
    init(parameters: PluginParameters) throws {}

    func evaluate(_ input: MetricInput) -> Double {
        input.meanOverRows { s, t in rocAUC(scores: s, labels: t) }
    }
}

/// ROC AUC of each label's scores over the rows, averaged over labels.
struct ROCAUCMacro: MetricPlugin {
    static let name = "roc_auc_macro"
    static let summary = "ROC AUC per label, averaged over labels (sklearn average='macro'); NaN if a label has one class"
    static let higherIsBetter = true
    static let examples = [
        MetricExample(input: MetricInput(scores: aucScores, targets: aucLabels, rows: 4, columns: 1), expected: 0.75),
        // Second label: all positive, undefined.
        MetricExample(input: MetricInput(scores: zip(aucScores, aucScores).flatMap { [$0, $1] },
                                         targets: aucLabels.flatMap { [$0, 1] }, rows: 4, columns: 2), expected: .nan),
    ]
    static func range(columns: Int) -> ClosedRange<Double> { 0...1 }
    init(parameters: PluginParameters) throws {}

    func evaluate(_ input: MetricInput) -> Double {
        input.meanOverColumns { s, t in rocAUC(scores: s, labels: t) }
    }
}
