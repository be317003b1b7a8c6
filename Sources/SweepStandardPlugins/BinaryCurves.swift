// ROC AUC and average precision of one binary problem, as scikit-learn computes them
// (sklearn/metrics/_ranking.py: _binary_clf_curve, roc_curve + auc, precision_recall_curve +
// average_precision_score): scores sorted in decreasing order, one curve point per distinct score
// (tied scores enter together), ROC area by the trapezoid rule, AP = sum_n (R_n - R_(n-1)) P_n.

/// Cumulative (true positives, false positives) at each distinct score, in decreasing score order.
///
/// - Parameters:
///   - scores: (n)
///   - labels: (n), 0 or 1
func binaryCurve(scores: some Collection<Double>, labels: some Collection<UInt8>) -> (tps: [Int], fps: [Int]) {
    let pairs = zip(scores, labels).sorted { $0.0 > $1.0 }
    var tps: [Int] = [], fps: [Int] = []
    var tp = 0, fp = 0
    for (i, (s, y)) in pairs.enumerated() {
        if y != 0 { tp += 1 } else { fp += 1 }
        if i + 1 == pairs.count || pairs[i + 1].0 != s {
            tps.append(tp)
            fps.append(fp)
        }
    }
    return (tps, fps)
}

/// Area under the ROC curve; NaN when `labels` hold one class only (sklearn: NaN and a warning).
///
/// - Parameters:
///   - scores: (n)
///   - labels: (n), 0 or 1
func rocAUC(scores: some Collection<Double>, labels: some Collection<UInt8>) -> Double {
    let (tps, fps) = binaryCurve(scores: scores, labels: labels)
    guard let p = tps.last, let n = fps.last, p > 0, n > 0 else { return .nan }
    var area = 0.0
    var x0 = 0.0, y0 = 0.0
    for i in tps.indices {
        let x = Double(fps[i]) / Double(n), y = Double(tps[i]) / Double(p)
        area += (x - x0) * (y + y0) / 2
        x0 = x
        y0 = y
    }
    return area
}

/// Average precision without interpolation; 0 when there is no positive label (sklearn sets the
/// recall to one at every threshold then, which gives 0).
///
/// - Parameters:
///   - scores: (n)
///   - labels: (n), 0 or 1
func averagePrecision(scores: some Collection<Double>, labels: some Collection<UInt8>) -> Double {
    let (tps, fps) = binaryCurve(scores: scores, labels: labels)
    guard let p = tps.last, p > 0 else { return 0 }
    var ap = 0.0, r0 = 0.0
    for i in tps.indices {
        let r = Double(tps[i]) / Double(p)
        ap += (r - r0) * Double(tps[i]) / Double(tps[i] + fps[i])
        r0 = r
    }
    return ap
}
