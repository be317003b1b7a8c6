// Optimiser steps following torch/optim/adam.py `_single_tensor_adam` (AdamW is Adam with
// decoupled_weight_decay) and torch/optim/sgd.py `_single_tensor_sgd`, operation by operation:
// fp32 tensors, Python-float (Double) scalars cast to fp32 where PyTorch's kernels take them.
// Where PyTorch's vectorised CPU kernels fuse a multiply-add (lerp_, addcmul_, add_ with
// alpha) we do too (`fusedMultiplyAdd`), so equal gradients give bit-equal parameters.
import Foundation
import SweepTensor

/// An optimiser's state over one flat parameter buffer.
final class Optimizer {
    let config: OptimizerConfig
    /// Parameters it updates.
    let count: Int
    /// Adam: (count) exp_avg; SGD: (count) momentum_buffer.
    private let first: FloatBuffer
    /// Adam: (count) exp_avg_sq.
    private let second: FloatBuffer
    /// Steps taken (Adam's `state["step"]`; SGD: whether the momentum buffer exists).
    private(set) var steps = 0

    init(config: OptimizerConfig, count: Int) {
        self.config = config
        self.count = count
        first = FloatBuffer(count: count)
        second = FloatBuffer(count: config.kind == .sgd ? 0 : count)
    }

    /// One step with learning rate `lr`.
    ///
    /// - Parameters:
    ///   - parameters: (count) updated in place.
    ///   - gradients: (count) read (and clobbered by the weight-decay term).
    func step(parameters: UnsafeMutablePointer<Float>, gradients: UnsafeMutablePointer<Float>, lr: Double) {
        steps += 1
        switch config.kind {
        case .adam, .adamw: adamStep(parameters, gradients, lr: lr, decoupled: config.kind == .adamw)
        case .sgd: sgdStep(parameters, gradients, lr: lr)
        }
    }

    /// - Parameters:
    ///   - p, g: (count).
    private func adamStep(_ p: UnsafeMutablePointer<Float>, _ g: UnsafeMutablePointer<Float>,
                          lr: Double, decoupled: Bool) {
        let c = config
        let m = first.pointer, v = second.pointer
        let step = Double(steps)
        let biasCorrection1 = 1 - pow(c.beta1, step)
        let biasCorrection2 = 1 - pow(c.beta2, step)
        let stepSize = lr / biasCorrection1
        let biasCorrection2Sqrt = pow(biasCorrection2, 0.5)
        // scalars as the fp32 kernels receive them
        let decay = Float(1 - lr * c.weightDecay), l2 = Float(c.weightDecay)
        let w1 = Float(1 - c.beta1), b2 = Float(c.beta2), w2 = Float(1 - c.beta2)
        let bc2 = Float(biasCorrection2Sqrt), eps = Float(c.eps), negStep = Float(-stepSize)
        let useDecay = c.weightDecay != 0
        for i in 0..<count {
            if useDecay {
                if decoupled { p[i] = p[i] * decay }                        // param.mul_(1 - lr * wd)
                else { g[i] = fusedMultiplyAdd(g[i], p[i], l2) }            // grad.add(param, alpha=wd)
            }
            let gi = g[i]
            m[i] = fusedMultiplyAdd(m[i], w1, gi - m[i])                    // exp_avg.lerp_(grad, 1 - b1)
            v[i] = fusedMultiplyAdd(v[i] * b2, w2 * gi, gi)                 // mul_(b2).addcmul_(g, g, 1 - b2)
            let denom = v[i].squareRoot() / bc2 + eps                       // (sqrt(v) / bc2_sqrt).add_(eps)
            p[i] = p[i] + negStep * m[i] / denom                            // addcdiv_(m, denom, -step_size)
        }
    }

    /// - Parameters:
    ///   - p, g: (count).
    private func sgdStep(_ p: UnsafeMutablePointer<Float>, _ g: UnsafeMutablePointer<Float>, lr: Double) {
        let c = config
        let buf = first.pointer
        let l2 = Float(c.weightDecay), mom = Float(c.momentum), negLR = Float(-lr)
        let useDecay = c.weightDecay != 0, useMomentum = c.momentum != 0, firstStep = steps == 1
        for i in 0..<count {
            var d = g[i]
            if useDecay { d = fusedMultiplyAdd(d, p[i], l2) }               // grad.add(param, alpha=wd)
            if useMomentum {
                buf[i] = firstStep ? d : buf[i] * mom + d                   // clone / mul_(m).add_(grad)
                d = c.nesterov ? fusedMultiplyAdd(d, buf[i], mom) : buf[i]  // grad.add(buf, alpha=m)
            }
            p[i] = fusedMultiplyAdd(p[i], d, negLR)                         // param.add_(grad, alpha=-lr)
        }
    }
}
