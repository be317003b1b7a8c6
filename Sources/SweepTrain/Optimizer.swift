// Optimiser steps following torch/optim/adam.py `_single_tensor_adam` (AdamW is Adam with
// decoupled_weight_decay) and torch/optim/sgd.py `_single_tensor_sgd`, operation by operation:
// fp32 tensors, Python-float (Double) scalars cast to fp32 where PyTorch's kernels take them.
// Where PyTorch's vectorised CPU kernels fuse a multiply-add (lerp_, addcmul_, add_ with
// alpha) we do too (`fusedMultiplyAdd`). Given equal gradients, SGD's parameters are
// bit-equal to torch's; Adam's are within an ulp, because torch's fp32 `sqrt` uses MKL's
// vector math (not correctly rounded) where ours is IEEE.
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
    ///   - gradients: (count) read only.
    func step(parameters: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>, lr: Double) {
        steps += 1
        switch config.kind {
        case .adam, .adamw: adamStep(parameters, gradients, lr: lr, decoupled: config.kind == .adamw)
        case .sgd: sgdStep(parameters, gradients, lr: lr)
        }
    }

    // Weight decay is folded in branch-free: without it the factor is 1 and the L2 term is
    // fma(g, p, 0) = g exactly, so one loop serves every setting and vectorises.

    /// - Parameters:
    ///   - p: (count) parameters; g: (count) gradients.
    private func adamStep(_ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>,
                          lr: Double, decoupled: Bool) {
        let c = config
        let m = first.pointer, v = second.pointer
        let step = Double(steps)
        let biasCorrection1 = 1 - pow(c.beta1, step)
        let biasCorrection2 = 1 - pow(c.beta2, step)
        let stepSize = lr / biasCorrection1
        let biasCorrection2Sqrt = pow(biasCorrection2, 0.5)
        // scalars as the fp32 kernels receive them
        let decay: Float = decoupled ? Float(1 - lr * c.weightDecay) : 1
        let l2: Float = decoupled ? 0 : Float(c.weightDecay)
        let w1 = Float(1 - c.beta1), b2 = Float(c.beta2), w2 = Float(1 - c.beta2)
        let bc2 = Float(biasCorrection2Sqrt), eps = Float(c.eps), negStep = Float(-stepSize)
        for i in 0..<count {
            let pi = p[i] * decay                                           // AdamW: param.mul_(1 - lr * wd)
            let gi = fusedMultiplyAdd(g[i], pi, l2)                         // Adam: grad.add(param, alpha=wd)
            let mi = fusedMultiplyAdd(m[i], w1, gi - m[i])                  // exp_avg.lerp_(grad, 1 - b1)
            let vi = fusedMultiplyAdd(v[i] * b2, w2 * gi, gi)               // mul_(b2).addcmul_(g, g, 1 - b2)
            m[i] = mi
            v[i] = vi
            let denom = vi.squareRoot() / bc2 + eps                         // (sqrt(v) / bc2_sqrt).add_(eps)
            p[i] = pi + negStep * mi / denom                                // addcdiv_(m, denom, -step_size)
        }
    }

    /// - Parameters:
    ///   - p: (count) parameters; g: (count) gradients.
    private func sgdStep(_ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, lr: Double) {
        let c = config
        let buf = first.pointer
        let l2 = Float(c.weightDecay), mom = Float(c.momentum), negLR = Float(-lr)
        let useMomentum = c.momentum != 0, firstStep = steps == 1, nesterov = c.nesterov
        for i in 0..<count {
            let gi = fusedMultiplyAdd(g[i], p[i], l2)                       // grad.add(param, alpha=wd)
            var d = gi
            if useMomentum {
                let b = firstStep ? gi : buf[i] * mom + gi                  // clone / mul_(m).add_(grad)
                buf[i] = b
                d = nesterov ? fusedMultiplyAdd(gi, b, mom) : b             // grad.add(buf, alpha=m) / buf
            }
            p[i] = fusedMultiplyAdd(p[i], d, negLR)                         // param.add_(grad, alpha=-lr)
        }
    }
}
