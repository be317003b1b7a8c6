// Cross-entropy over the columns of each row, as torch.nn.CrossEntropyLoss (log_softmax + NLL,
// reduction "mean" over rows), for single-label data whose target rows are one-hot.
// Target rows are used as class probabilities (torch's probability-target form), which equals
// the class-index form for one-hot rows: l_i = -sum_c y_ic log_softmax(x_i)_c.
import Foundation
import SweepPluginAPI

/// Softmax cross-entropy for single-label rows, mean over rows.
struct CrossEntropyLoss: LossPlugin {
    static let name = "cross_entropy"
    /// One label per sample: the metrics see softmax scores.
    static let labels = LabelStructure.exclusive
    static let summary = "softmax cross-entropy (torch CrossEntropyLoss) for single-label one-hot rows, mean over rows"

    /// Worked by hand: logits (0, ln 3) give softmax (1/4, 3/4); uniform logits give 1/C.
    static let examples: [LossExample] = [
        // row 1 (softmax 1/4, 3/4), target class 1: ln(4/3); row 2 (equal logits), target class 0: ln 2
        LossExample(logits: [0, Float(log(3.0)), 5, 5], targets: [0, 1, 1, 0], rows: 2, columns: 2,
                    expected: (log(4.0 / 3.0) + log(2.0)) / 2),
    ]

    init(parameters: PluginParameters, context: LossContext) throws {}

    /// - Parameters:
    ///   - logits: (rows, columns)
    ///   - targets: (rows, columns), one-hot rows (probability rows are accepted)
    ///   - gradient: (rows, columns), d(mean over rows)/d(logits) = (softmax * sum(y) - y) / rows
    func loss(logits: UnsafeBufferPointer<Float>, targets: UnsafeBufferPointer<Float>,
              rows: Int, columns: Int, gradient: UnsafeMutableBufferPointer<Float>?) -> Double {
        let n = rows * columns
        guard logits.count >= n, targets.count >= n, (gradient?.count ?? n) >= n, columns > 0 else { return .nan }
        let scale = 1 / Double(rows)
        var sum = 0.0
        for r in 0..<rows {
            let row = r * columns
            var top = -Double.infinity
            for c in 0..<columns { top = max(top, Double(logits[row + c])) }
            var z = 0.0
            for c in 0..<columns { z += exp(Double(logits[row + c]) - top) }
            let lse = top + log(z)                                  // log-sum-exp of the row
            var mass = 0.0
            for c in 0..<columns {
                let y = Double(targets[row + c])
                mass += y
                if y != 0 { sum -= y * (Double(logits[row + c]) - lse) }
            }
            if let g = gradient {
                for c in 0..<columns {
                    let softmax = exp(Double(logits[row + c]) - lse)
                    g[row + c] = Float((softmax * mass - Double(targets[row + c])) * scale)
                }
            }
        }
        return sum * scale
    }
}
