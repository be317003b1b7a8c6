// torch.nn.BCEWithLogitsLoss(pos_weight=w), reduction "mean" (torch/nn/modules/loss.py,
// aten/src/ATen/native/Loss.cpp `binary_cross_entropy_with_logits`). Per cell:
//   l = (1 - y) x + (1 + (w - 1) y) softplus(-x),  softplus(-x) = log1p(exp(-|x|)) + max(-x, 0)
//   dl/dx = (1 - y) - (1 + (w - 1) y) sigmoid(-x)
// mean over all rows * columns cells (pos_weight is not in the denominator).
import Foundation
import SweepPluginAPI

/// Binary cross-entropy on logits with an optional per-class weight of the positives.
public struct BCEWithLogitsLoss: LossPlugin {
    /// The name in sweep files.
    public static let name = "bce"
    /// Shown by `sweep plugins`.
    public static let summary = "binary cross-entropy on logits (torch BCEWithLogitsLoss), mean over all cells; pos_weight auto = negatives/positives per class"
    /// `pos_weight: auto | none | number | [list]`, default auto (the notebook).
    public static let parameters: [ParameterSpec] = [
        ParameterSpec("pos_weight", .choiceOrNumbers, default: .string("auto"), choices: ["auto", "none"],
                      "weight of the positives per class: auto (negatives/positives in the training split, as the notebook), none (1), a number for every class, or a list"),
    ]

    /// (columns) weight of the positive term per class, fp32 as PyTorch holds it.
    public let positiveWeights: [Float]

    /// Resolves `pos_weight` against the training split's class counts.
    public init(parameters: PluginParameters, context: LossContext) throws {
        let classes = context.classNames.count
        switch parameters["pos_weight"] ?? .string("auto") {
        case .string("none"):
            positiveWeights = Array(repeating: 1, count: classes)
        case .string("auto"):
            guard context.positives.count == classes else {
                throw PluginError("bce: \(context.positives.count) positive counts for \(classes) classes")
            }
            positiveWeights = try (0..<classes).map { c in
                let positives = context.positives[c]
                guard positives > 0 else {
                    throw PluginError("bce: pos_weight auto: class '\(context.classNames[c])' has no positive sample in the training split")
                }
                // float(negatives) / float(positives) in Python, then torch.FloatTensor
                return Float(Double(context.samples - positives) / Double(positives))
            }
        case .number(let w):
            guard w.isFinite, w >= 0 else { throw PluginError("bce: pos_weight must be a finite number >= 0, got \(w)") }
            positiveWeights = Array(repeating: Float(w), count: classes)
        case .numbers(let ws):
            guard ws.count == classes else {
                throw PluginError("bce: pos_weight lists \(ws.count) weights for \(classes) classes (\(context.classNames.joined(separator: ", ")))")
            }
            if let bad = ws.firstIndex(where: { !$0.isFinite || $0 < 0 }) {
                throw PluginError("bce: pos_weight for class '\(context.classNames[bad])' must be a finite number >= 0, got \(ws[bad])")
            }
            positiveWeights = ws.map { Float($0) }
        case let other:
            throw PluginError("bce: pos_weight must be auto, none, a number or a list, got \(other)")
        }
    }

    /// Mean loss over all cells; NaN when the columns differ from the number of classes.
    ///
    /// - Parameters:
    ///   - logits: (rows, columns).
    ///   - targets: (rows, columns) 0 or 1.
    ///   - gradient: (rows, columns) d(mean loss)/d(logits), overwritten when given.
    public func loss(logits: UnsafeBufferPointer<Float>, targets: UnsafeBufferPointer<Float>,
                     rows: Int, columns: Int, gradient: UnsafeMutableBufferPointer<Float>?) -> Double {
        let cells = rows * columns
        guard columns == positiveWeights.count, cells > 0, logits.count >= cells, targets.count >= cells,
              (gradient?.count ?? cells) >= cells else { return .nan }
        let scale = 1 / Double(cells)
        var sum = 0.0
        for r in 0..<rows {
            for c in 0..<columns {
                let i = r * columns + c
                let x = Double(logits[i]), y = Double(targets[i])
                let logWeight = 1 + (Double(positiveWeights[c]) - 1) * y
                // softplus(-x) = -log(sigmoid(x)) and its derivative's sigmoid(-x), one exp per cell
                let (softplusNeg, sigmoidNeg) = LogitMath.softplusAndSigmoid(-x)
                sum += (1 - y) * x + logWeight * softplusNeg
                if let gradient {
                    gradient[i] = Float(((1 - y) - logWeight * sigmoidNeg) * scale)
                }
            }
        }
        return sum * scale
    }
}
