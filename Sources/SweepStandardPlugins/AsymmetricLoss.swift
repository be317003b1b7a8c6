// Asymmetric loss: Ridnik et al., "Asymmetric Loss For Multi-Label Classification", ICCV 2021,
// reference implementation AsymmetricLoss in github.com/Alibaba-MIIL/ASL src/loss_functions/losses.py:
//   p = sigmoid(x), p_m = max(p - clip, 0)  (i.e. xs_neg = min(1 - p + clip, 1)),
//   l = -[ y (1 - p)^gamma_pos log(max(p, eps)) + (1 - y) p_m^gamma_neg log(max(1 - p_m, eps)) ].
// Backprop: the focusing weights (1 - p)^gamma_pos and p_m^gamma_neg are constants, as with the
// reference's disable_torch_grad_focal_loss=True, so the gradient is only that of the log terms.
// Reduction: the reference returns -sum over all elements; we divide by rows * columns (a mean
// over elements, like bce and focal) so that losses and learning rates are comparable.
import Foundation
import SweepPluginAPI

/// Ridnik et al.'s asymmetric loss, mean over all elements, focusing weights detached.
struct AsymmetricLoss: LossPlugin {
    static let name = "asl"
    static let summary = "asymmetric loss (Ridnik et al. 2021), mean over all elements, focusing weights detached"
    static let parameters: [ParameterSpec] = [
        ParameterSpec("gamma_neg", .number, default: .number(4), range: 0...100, "focusing exponent for negatives"),
        ParameterSpec("gamma_pos", .number, default: .number(1), range: 0...100, "focusing exponent for positives"),
        ParameterSpec("clip", .number, default: .number(0.05), range: 0...1,
                      "probability margin shifted off negatives (0 disables)"),
        ParameterSpec("eps", .number, default: .number(1e-8), range: 0...0.5, "floor inside the logarithms"),
    ]
    static let surrogateGradient: String? =
        "focusing weights are constants in backprop (reference disable_torch_grad_focal_loss=True)"

    /// Worked by hand at x = 0 (p = 1/2, p_m = 0.45 with clip 0.05):
    /// positive (1/2)^1 ln 2; negative 0.45^4 * -ln 0.55.
    static let examples: [LossExample] = [
        LossExample(logits: [0, 0], targets: [1, 0], rows: 1, columns: 2,
                    expected: (0.5 * log(2.0) - pow(0.45, 4) * log(0.55)) / 2),
        // All focusing and clipping off: plain BCE at p = 3/4: ln(4/3) and ln 4.
        LossExample(parameters: ["gamma_neg": .number(0), "gamma_pos": .number(0), "clip": .number(0)],
                    logits: [Float(log(3.0)), Float(log(3.0))], targets: [1, 0], rows: 1, columns: 2,
                    expected: (log(4.0 / 3.0) + log(4.0)) / 2),
    ]

    let gammaNeg: Double
    let gammaPos: Double
    let clip: Double
    let eps: Double

    init(parameters: PluginParameters, context: LossContext) throws {
        gammaNeg = parameters.number("gamma_neg", default: 4)
        gammaPos = parameters.number("gamma_pos", default: 1)
        clip = parameters.number("clip", default: 0.05)
        eps = parameters.number("eps", default: 1e-8)
    }

    /// - Parameters:
    ///   - logits: (rows, columns)
    ///   - targets: (rows, columns), 0/1
    ///   - gradient: (rows, columns), d(mean)/d(logits) with the focusing weights held constant
    func loss(logits: UnsafeBufferPointer<Float>, targets: UnsafeBufferPointer<Float>,
              rows: Int, columns: Int, gradient: UnsafeMutableBufferPointer<Float>?) -> Double {
        let n = rows * columns
        guard logits.count >= n, targets.count >= n, (gradient?.count ?? n) >= n else { return .nan }
        let scale = 1 / Double(n)
        let logEps = log(eps)
        var sum = 0.0
        for i in 0..<n {
            let x = Double(logits[i]), y = Double(targets[i])
            let p = LogitMath.sigmoid(x), q = LogitMath.sigmoid(-x)     // q = 1 - p
            // positive part: w+ log(max(p, eps)), w+ = (1 - p)^gamma_pos
            let wPos = pow(q, gammaPos)
            let pClamped = p < eps
            let logP = pClamped ? logEps : -LogitMath.softplus(-x)
            // negative part: w- log(max(xs_neg, eps)), xs_neg = min(q + clip, 1), w- = (1 - xs_neg)^gamma_neg
            let shifted = clip > 0 && q + clip < 1
            let xsNeg = clip > 0 ? min(q + clip, 1) : q
            let negClamped = xsNeg < eps
            let logNeg = negClamped ? logEps : (clip > 0 ? log(xsNeg) : -LogitMath.softplus(x))
            let wNeg = pow(clip > 0 ? max(p - clip, 0) : p, gammaNeg)      // p_m = 1 - xs_neg
            sum -= y * wPos * logP + (1 - y) * wNeg * logNeg
            if let g = gradient {
                // d log p / dx = q;  d log q / dx = -p (clip 0, closed form: q may underflow to 0);
                // d log(q + clip) / dx = -p q / (q + clip) while q + clip < 1
                let dPos = pClamped ? 0 : q
                var dNeg = 0.0
                if !negClamped { dNeg = clip <= 0 ? -p : (shifted ? -p * q / xsNeg : 0) }
                g[i] = Float(-(y * wPos * dPos + (1 - y) * wNeg * dNeg) * scale)
            }
        }
        return sum * scale
    }
}
