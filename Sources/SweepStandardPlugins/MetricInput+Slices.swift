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
}
