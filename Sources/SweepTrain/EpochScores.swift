import Foundation
import SweepPluginAPI

/// The metric inputs of a whole epoch's predictions.
enum EpochScores {
    /// Scores from logits: per-cell sigmoid, or per-row softmax.
    ///
    /// - Parameters:
    ///   - logits: (rows, classes).
    /// - Returns: (rows, classes) scores.
    static func scores(_ logits: UnsafePointer<Float>, rows: Int, classes: Int,
                       activation: ScoreActivation) -> [Double] {
        var out = [Double](repeating: 0, count: rows * classes)
        switch activation {
        case .sigmoid:
            for i in 0..<rows * classes { out[i] = LogitMath.sigmoid(Double(logits[i])) }
        case .softmax:
            for r in 0..<rows {
                let row = logits + r * classes
                var top = -Double.infinity
                for c in 0..<classes { top = max(top, Double(row[c])) }
                var sum = 0.0
                for c in 0..<classes {
                    let e = exp(Double(row[c]) - top)
                    out[r * classes + c] = e
                    sum += e
                }
                for c in 0..<classes { out[r * classes + c] /= sum }
            }
        }
        return out
    }

    /// Every metric on one set of predictions.
    ///
    /// - Parameters:
    ///   - logits: (rows, classes).
    ///   - targets: (rows, classes) 0/1.
    static func evaluate(_ metrics: [NamedMetric], logits: UnsafePointer<Float>, targets: [UInt8],
                         rows: Int, classes: Int, config: TrialConfig) -> [String: Double] {
        guard !metrics.isEmpty else { return [:] }
        let input = MetricInput(scores: scores(logits, rows: rows, classes: classes, activation: config.scores),
                                targets: targets, rows: rows, columns: classes, threshold: config.threshold)
        var values: [String: Double] = [:]
        for m in metrics { values[m.name] = ClassThresholds.evaluate(m.metric, input, thresholds: config.classThresholds) }
        return values
    }
}
