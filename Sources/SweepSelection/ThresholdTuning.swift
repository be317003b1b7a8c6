import Foundation
import SweepPluginAPI

/// Per-class decision thresholds maximising each class's F1 on a set of scores. A class is
/// predicted when its score is > its threshold. For one class with distinct scores
/// v_0 < ... < v_{m-1}, the candidates are the fixed threshold, v_0 / 2 (every row
/// predicted), the midpoints (v_{i-1} + v_i) / 2 and (v_{m-1} + 1) / 2 (no row predicted):
/// every distinct prediction is one of them, and a midpoint leaves room on both sides. The
/// chosen candidate has the highest F1 = 2 TP / (2 TP + FP + FN) (0 when that is 0 / 0);
/// among equal F1s the one closest to the fixed threshold (then the lower) wins, so a class
/// whose F1 cannot be improved keeps the fixed threshold.
public enum ThresholdTuning {
    /// The candidates for one class's scores (see the type's documentation), ascending.
    public static func candidates(_ scores: [Double], fixed: Double) -> [Double] {
        let v = Array(Set(scores.filter(\.isFinite))).sorted()
        guard let first = v.first, let last = v.last else { return [fixed] }
        var c = [fixed, first / 2, (last + 1) / 2]
        for i in 1..<max(1, v.count) where i < v.count { c.append((v[i - 1] + v[i]) / 2) }
        return Array(Set(c)).sorted()
    }

    /// F1 of one class at threshold `t`: scores > t are predicted.
    public static func f1(_ scores: [Double], _ labels: [Bool], threshold t: Double) -> Double {
        var tp = 0, fp = 0, fn = 0
        for (s, y) in zip(scores, labels) {
            let p = s > t
            if p && y { tp += 1 } else if p { fp += 1 } else if y { fn += 1 }
        }
        let d = 2 * tp + fp + fn
        return d == 0 ? 0 : Double(2 * tp) / Double(d)
    }

    /// The best threshold of one class: one sort, then each candidate's counts from prefix sums.
    public static func tune(_ scores: [Double], _ labels: [Bool], fixed: Double) -> Double {
        let order = scores.indices.sorted { scores[$0] > scores[$1] }   // descending
        let sorted = order.map { scores[$0] }
        var positivesBefore = [0]                                          // positives among the first k rows
        positivesBefore.reserveCapacity(order.count + 1)
        for i in order { positivesBefore.append(positivesBefore[positivesBefore.count - 1] + (labels[i] ? 1 : 0)) }
        let positives = positivesBefore.last ?? 0
        var best = (f1: -1.0, threshold: fixed)
        for t in candidates(scores, fixed: fixed) {
            // rows with score > t: the first k of the descending order
            var lo = 0, hi = sorted.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if sorted[mid] > t { lo = mid + 1 } else { hi = mid }
            }
            let tp = positivesBefore[lo], fp = lo - tp, fn = positives - tp
            let d = 2 * tp + fp + fn
            let f = d == 0 ? 0 : Double(2 * tp) / Double(d)
            if f > best.f1 || (f == best.f1 && isCloser(t, than: best.threshold, to: fixed)) { best = (f, t) }
        }
        return best.threshold
    }

    /// Whether `a` is closer to `fixed` than `b` (the lower of two equally close).
    static func isCloser(_ a: Double, than b: Double, to fixed: Double) -> Bool {
        let da = abs(a - fixed), db = abs(b - fixed)
        return da != db ? da < db : a < b
    }

    /// Every class's threshold.
    ///
    /// - Parameters:
    ///   - scores: (rows, classes) row-major probabilities.
    ///   - targets: (rows, classes) row-major 0/1.
    /// - Returns: (classes) thresholds.
    public static func tune(scores: [Double], targets: [UInt8], rows: Int, classes: Int, fixed: Double) -> [Double] {
        (0..<classes).map { c in
            let s = (0..<rows).map { scores[$0 * classes + c] }
            let y = (0..<rows).map { targets[$0 * classes + c] != 0 }
            return tune(s, y, fixed: fixed)
        }
    }

    /// Scores moved so that `score > thresholds[c]` becomes `score' > 0.5`, piecewise linearly
    /// within [0, 1]: lets a metric taking one threshold see per-class ones (only metrics of the
    /// 0/1 predictions keep their meaning; rank metrics such as ROC AUC do not).
    ///
    /// - Parameters:
    ///   - scores: (rows, classes) row-major probabilities in [0, 1].
    ///   - thresholds: (classes) in (0, 1).
    /// - Returns: (rows, classes) the moved scores.
    public static func rescaled(_ scores: [Double], thresholds: [Double]) -> [Double] {
        ClassThresholds.rescaled(scores, thresholds: thresholds)
    }
}
