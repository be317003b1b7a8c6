// Sigmoid focal loss: Lin et al., "Focal Loss for Dense Object Detection", ICCV 2017,
// as implemented by torchvision.ops.sigmoid_focal_loss (torchvision/ops/focal_loss.py):
//   p = sigmoid(x), ce = BCEWithLogits(x, y), p_t = p y + (1 - p)(1 - y),
//   loss = alpha_t (1 - p_t)^gamma ce,  alpha_t = alpha y + (1 - alpha)(1 - y)  (skipped if alpha < 0),
//   reduction "mean" over all rows * columns elements.
import Foundation
import SweepPluginAPI

/// torchvision's sigmoid focal loss, mean over all elements.
struct FocalLoss: LossPlugin {
    static let name = "focal"
    static let summary = "sigmoid focal loss (torchvision sigmoid_focal_loss), mean over all elements"
    static let parameters: [ParameterSpec] = [
        ParameterSpec("alpha", .number, default: .number(0.25), range: -1...1,
                      "weight of the positive class in [0, 1]; a negative value disables weighting"),
        ParameterSpec("gamma", .number, default: .number(2), range: 0...100,
                      "focusing exponent on (1 - p_t); 0 gives plain BCE"),
    ]

    /// Worked by hand: at x = 0, p = 1/2 and ce = ln 2, so one element costs
    /// alpha_t (1/2)^gamma ln 2.
    static let examples: [LossExample] = [
        // (0.25 * 0.25 ln 2 + 0.75 * 0.25 ln 2) / 2 = 0.125 ln 2
        LossExample(logits: [0, 0], targets: [1, 0], rows: 1, columns: 2, expected: 0.125 * log(2.0)),
        // alpha disabled, gamma 0: BCE of p = 3/4 for a positive is ln(4/3); for a negative ln 4.
        LossExample(parameters: ["alpha": .number(-1), "gamma": .number(0)],
                    logits: [Float(log(3.0)), Float(log(3.0))], targets: [1, 0], rows: 2, columns: 1,
                    expected: (log(4.0 / 3.0) + log(4.0)) / 2),
    ]

    let alpha: Double
    let gamma: Double

    init(parameters: PluginParameters, context: LossContext) throws {
        alpha = parameters.number("alpha", default: 0.25)
        gamma = parameters.number("gamma", default: 2)
    }

    /// - Parameters:
    ///   - logits: (rows, columns)
    ///   - targets: (rows, columns), 0/1 (soft values are accepted as torchvision does)
    ///   - gradient: (rows, columns), d(mean)/d(logits)
    func loss(logits: UnsafeBufferPointer<Float>, targets: UnsafeBufferPointer<Float>,
              rows: Int, columns: Int, gradient: UnsafeMutableBufferPointer<Float>?) -> Double {
        let n = rows * columns
        guard logits.count >= n, targets.count >= n, (gradient?.count ?? n) >= n else { return .nan }
        let scale = 1 / Double(n)
        var sum = 0.0
        for i in 0..<n {
            let x = Double(logits[i]), y = Double(targets[i])
            let p = LogitMath.sigmoid(x), q = LogitMath.sigmoid(-x)    // q = 1 - p, accurate when p ~ 1
            let ce = LogitMath.softplus(x) - x * y                      // BCE with logits
            let m = p * (1 - y) + q * y                                 // 1 - p_t
            let at = alpha < 0 ? 1 : alpha * y + (1 - alpha) * (1 - y)
            let mg = pow(m, gamma)
            sum += at * mg * ce
            if let g = gradient {
                // d/dx [m^gamma ce] = gamma m^(gamma-1) dm/dx ce + m^gamma (p - y), dm/dx = p q (1 - 2y)
                let dmg = (gamma == 0 || m == 0) ? 0 : gamma * pow(m, gamma - 1) * p * q * (1 - 2 * y)
                g[i] = Float(at * (dmg * ce + mg * (p - y)) * scale)
            }
        }
        return sum * scale
    }
}
