import SweepPluginAPI

/// Row and column access shared by the built-in metrics.
extension MetricInput {
    /// The scores and targets of row `r`, each of length `columns`.
    func row(_ r: Int) -> (scores: ArraySlice<Double>, targets: ArraySlice<UInt8>) {
        let range = (r * columns)..<((r + 1) * columns)
        return (scores[range], targets[range])
    }

    /// The scores and targets of column `c`, each of length `rows`.
    func column(_ c: Int) -> (scores: [Double], targets: [UInt8]) {
        var s = [Double](repeating: 0, count: rows)
        var t = [UInt8](repeating: 0, count: rows)
        for r in 0..<rows {
            s[r] = scores[r * columns + c]
            t[r] = targets[r * columns + c]
        }
        return (s, t)
    }

    /// True when a score is NaN (e.g. from a diverged model); the built-in metrics are then NaN.
    var hasNaNScore: Bool { scores.contains { $0.isNaN } }

    /// The mean over samples of `perRow(scores, targets)` (sklearn's sample-averaged metrics);
    /// NaN when any score is NaN.
    func meanOverRows(_ perRow: (ArraySlice<Double>, ArraySlice<UInt8>) -> Double) -> Double {
        if hasNaNScore || rows == 0 { return .nan }
        var sum = 0.0
        for r in 0..<rows {
            let (s, t) = row(r)
            sum += perRow(s, t)
        }
        return sum / Double(rows)
    }

    /// The mean over labels of `perColumn(scores, targets)` (sklearn's macro averages); NaN when
    /// any score is NaN.
    func meanOverColumns(_ perColumn: ([Double], [UInt8]) -> Double) -> Double {
        if hasNaNScore || columns == 0 { return .nan }
        var sum = 0.0
        for c in 0..<columns {
            let (s, t) = column(c)
            sum += perColumn(s, t)
        }
        return sum / Double(columns)
    }
}
