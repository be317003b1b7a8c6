/// Metrics at one decision threshold per class (`train.threshold: [t_0, ..., t_{C-1}]`, or the
/// thresholds `threshold: tune` chose), for metric plugins that take one `threshold`.
///
/// A metric of the 0/1 predictions sees the scores moved (`rescaled`) so that
/// `score > thresholds[c]` becomes `score' > 0.5`: its value is exactly its value at the
/// per-class thresholds. A rank metric (ROC AUC, average precision) does not depend on the
/// threshold and sees the scores as they are. Which of the two a plugin is, is decided by the
/// plugin itself: its value on the input at thresholds 0.25 and 0.75 (equal, or both NaN: a
/// rank metric).
public enum ClassThresholds {
    /// Scores moved so that `score > thresholds[c]` becomes `score' > 0.5`, piecewise linearly
    /// within [0, 1] (monotone per class; only metrics of the 0/1 predictions keep their
    /// meaning on them, rank metrics across classes such as `roc_auc_samples` do not).
    ///
    /// - Parameters:
    ///   - scores: (rows, classes) row-major probabilities in [0, 1].
    ///   - thresholds: (classes) in (0, 1).
    /// - Returns: (rows, classes) the moved scores.
    public static func rescaled(_ scores: [Double], thresholds: [Double]) -> [Double] {
        let classes = thresholds.count
        guard classes > 0 else { return scores }
        return scores.enumerated().map { i, s in
            let t = min(max(thresholds[i % classes], 1e-12), 1 - 1e-12)
            return s > t ? min(1, 0.5 + 0.5 * (s - t) / (1 - t) + 1e-12) : 0.5 * s / t
        }
    }

    /// Whether `metric`'s value on `input` changes with the threshold (a metric of the 0/1
    /// predictions), judged at thresholds 0.25 and 0.75.
    public static func dependsOnThreshold(_ metric: any MetricPlugin, _ input: MetricInput) -> Bool {
        var low = input, high = input
        low.threshold = 0.25
        high.threshold = 0.75
        let a = metric.evaluate(low), b = metric.evaluate(high)
        return !(a == b || (a.isNaN && b.isNaN))
    }

    /// `metric` on `input` with class c predicted when its score is > `thresholds[c]`; nil
    /// thresholds: at `input.threshold`, as the metric does by itself.
    ///
    /// - Parameters:
    ///   - input: (rows, columns) scores and targets.
    ///   - thresholds: (columns) in (0, 1), or nil.
    public static func evaluate(_ metric: any MetricPlugin, _ input: MetricInput, thresholds: [Double]?) -> Double {
        guard let thresholds, thresholds.count == input.columns, dependsOnThreshold(metric, input) else {
            return metric.evaluate(input)
        }
        return metric.evaluate(moved(input, thresholds: thresholds))
    }

    /// `input` with its scores `rescaled` to `thresholds` and its threshold 0.5.
    ///
    /// - Parameters:
    ///   - input: (rows, columns) scores and targets.
    ///   - thresholds: (columns) in (0, 1).
    public static func moved(_ input: MetricInput, thresholds: [Double]) -> MetricInput {
        MetricInput(scores: rescaled(input.scores, thresholds: thresholds), targets: input.targets, rows: input.rows,
                    columns: input.columns, threshold: 0.5)
    }
}
