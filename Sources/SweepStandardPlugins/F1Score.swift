// F1 as scikit-learn's f1_score (sklearn/metrics/_classification.py) on multilabel indicator
// input with the default zero_division="warn": F1 = 2 tp / (2 tp + fp + fn), and 0 where the
// denominator is 0. Predictions are score > threshold.
import SweepPluginAPI

/// 2 tp / (2 tp + fp + fn), 0 when nothing is true nor predicted (sklearn's zero_division default).
func f1(tp: Int, fp: Int, fn: Int) -> Double {
    let d = 2 * tp + fp + fn
    return d == 0 ? 0 : Double(2 * tp) / Double(d)
}

/// Counts of true positives, false positives and false negatives of the cells paired up in
/// order (a cell is predicted positive when its score is > threshold).
///
/// - Parameters:
///   - scores: (n) probabilities: a row, a column or all (rows, columns) cells of a `MetricInput`.
///   - targets: (n) 0/1, the same cells in the same order.
func confusion(_ scores: some Collection<Double>, _ targets: some Collection<UInt8>,
               threshold: Double) -> (tp: Int, fp: Int, fn: Int) {
    var tp = 0, fp = 0, fn = 0
    for (score, target) in zip(scores, targets) {
        let p = score > threshold, t = target != 0
        if p && t { tp += 1 } else if p { fp += 1 } else if t { fn += 1 }
    }
    return (tp, fp, fn)
}

/// Hand-worked case shared by the three averages: targets ((1,0,1), (0,1,0)), predictions
/// ((1,1,0), (0,1,0)) at threshold 0.5.
let f1Example = MetricInput(scores: [0.9, 0.6, 0.4, 0.1, 0.7, 0.2], targets: [1, 0, 1, 0, 1, 0],
                            rows: 2, columns: 3)

/// F1 of each row, averaged over rows (sklearn `average="samples"`).
struct F1Samples: MetricPlugin {
    static let name = "f1_samples"
    static let summary = "F1 per sample, averaged over samples (sklearn f1_score average='samples')"
    static let higherIsBetter = true
    /// Rows: tp 1, fp 1, fn 1 -> 1/2; tp 1 -> 1. Mean 3/4.
    static let examples = [MetricExample(input: f1Example, expected: 0.75)]
    static func range(columns: Int) -> ClosedRange<Double> { 0...1 }
    init(parameters: PluginParameters) throws {}

    func evaluate(_ input: MetricInput) -> Double {
        input.meanOverRows { s, t in
            let c = confusion(s, t, threshold: input.threshold)
            return f1(tp: c.tp, fp: c.fp, fn: c.fn)
        }
    }
}

/// F1 of the counts pooled over every cell (sklearn `average="micro"`).
struct F1Micro: MetricPlugin {
    static let name = "f1_micro"
    static let summary = "F1 of the counts pooled over all cells (sklearn f1_score average='micro')"
    static let higherIsBetter = true
    /// Pooled tp 2, fp 1, fn 1 -> 4/6.
    static let examples = [MetricExample(input: f1Example, expected: 4.0 / 6.0)]
    static func range(columns: Int) -> ClosedRange<Double> { 0...1 }
    init(parameters: PluginParameters) throws {}

    func evaluate(_ input: MetricInput) -> Double {
        if input.hasNaNScore { return .nan }
        let c = confusion(input.scores, input.targets, threshold: input.threshold)
        return f1(tp: c.tp, fp: c.fp, fn: c.fn)
    }
}

/// F1 of each label, averaged over labels (sklearn `average="macro"`).
struct F1Macro: MetricPlugin {
    static let name = "f1_macro"
    static let summary = "F1 per label, averaged over labels (sklearn f1_score average='macro')"
    static let higherIsBetter = true
    /// Labels: 1, 2/3 (tp 1, fp 1), 0 (fn 1). Mean 5/9.
    static let examples = [MetricExample(input: f1Example, expected: 5.0 / 9.0)]
    static func range(columns: Int) -> ClosedRange<Double> { 0...1 }
    init(parameters: PluginParameters) throws {}

    func evaluate(_ input: MetricInput) -> Double {
        input.meanOverColumns { s, t in
            let c = confusion(s, t, threshold: input.threshold)
            return f1(tp: c.tp, fp: c.fp, fn: c.fn)
        }
    }
}
