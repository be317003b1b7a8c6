// Soft (differentiable) macro F1 loss over a batch: F1 per class with the 0/1 predictions
// replaced by probabilities, 1 - its mean over classes. A common multi-label loss, e.g.
// M. Maiza, "The Unknown Benefits of using a Soft-F1 Loss in Classification Systems" (2019);
// the same construction as the "soft F-measure" of M. Jansche, "Maximum Expected F-Measure
// Training of Logistic Regression Models" (HLT/EMNLP 2005).
//
// It is a function of the whole batch, not a mean over rows, so it declares
// `reduction = .wholeBatch` (see plugins/README.md).
import Foundation
import SweepPluginAPI

/// 1 - mean over classes of 2 TP / (2 TP + FP + FN + epsilon), with TP, FP, FN summed over the
/// batch's rows from the probabilities p = sigmoid(logit): TP = sum p y, FP = sum p (1 - y),
/// FN = sum (1 - p) y, so 2 TP + FP + FN = sum p + sum y.
struct SoftF1Loss: LossPlugin {
    static let name = "soft_f1"
    static let summary = "1 - soft macro F1 over the batch (probabilities in place of 0/1 predictions)"
    static let parameters = [
        ParameterSpec("epsilon", .number, default: .number(1e-7), range: 1e-12...1,
                      "added to each class's denominator (keeps a class with no positives and no probability finite)"),
    ]
    static let reduction = LossReduction.wholeBatch
    /// At logit 0 every probability is 1/2. One class, targets (1, 0): TP 1/2, sum p 1, sum y 1,
    /// F1 = 1 / (2 + eps). Two classes, targets ((1, 0), (1, 1)): F1 = 2 / (3 + eps) and 1 / (2 + eps).
    static let examples = [
        LossExample(logits: [0, 0], targets: [1, 0], rows: 2, columns: 1, expected: 1 - 1 / (2 + 1e-7)),
        LossExample(logits: [0, 0, 0, 0], targets: [1, 0, 1, 1], rows: 2, columns: 2,
                    expected: 1 - (2 / (3 + 1e-7) + 1 / (2 + 1e-7)) / 2),
        LossExample(parameters: ["epsilon": .number(1)], logits: [0, 0], targets: [1, 0], rows: 2, columns: 1,
                    expected: 1 - 1.0 / 3),
    ]

    let epsilon: Double

    init(parameters: PluginParameters, context: LossContext) throws {
        epsilon = parameters.number("epsilon", default: 1e-7)
    }

    /// - Parameters:
    ///   - logits: (rows, columns)
    ///   - targets: (rows, columns), 0 or 1
    ///   - gradient: (rows, columns), d(loss)/d(logits), written when not nil
    func loss(logits: UnsafeBufferPointer<Float>, targets: UnsafeBufferPointer<Float>,
              rows: Int, columns: Int, gradient: UnsafeMutableBufferPointer<Float>?) -> Double {
        guard rows > 0, columns > 0 else { return .nan }
        var tp = [Double](repeating: 0, count: columns)           // (columns) sum of p y
        var denominator = [Double](repeating: epsilon, count: columns)   // (columns) sum p + sum y + eps
        for r in 0..<rows {
            for c in 0..<columns {
                let p = LogitMath.sigmoid(Double(logits[r * columns + c])), y = Double(targets[r * columns + c])
                tp[c] += p * y
                denominator[c] += p + y
            }
        }
        var f1Sum = 0.0
        for c in 0..<columns { f1Sum += 2 * tp[c] / denominator[c] }
        if let gradient {
            // dF1_c/dp = 2 (y D - TP) / D^2, dp/dx = p (1 - p) = sigmoid(x) sigmoid(-x)
            for r in 0..<rows {
                for c in 0..<columns {
                    let i = r * columns + c
                    let x = Double(logits[i]), y = Double(targets[i]), d = denominator[c]
                    let slope = LogitMath.sigmoid(x) * LogitMath.sigmoid(-x)
                    gradient[i] = Float(-2 * (y * d - tp[c]) / (d * d) * slope / Double(columns))
                }
            }
        }
        return 1 - f1Sum / Double(columns)
    }
}
