// nn.ReLU followed by nn.Dropout(p) (PyTorch semantics: training keeps each unit with
// probability 1 - p and scales survivors by 1/(1 - p); evaluation is the identity).
// ReLU's backward only needs the sign of its output, and a unit that dropout zeroed gets no
// gradient, so one buffer (the block's output) carries everything the backward needs.

/// The survivors' scale 1/(1 - p), as PyTorch's fp32 `noise.div_(1 - p)`.
@inline(__always)
func dropoutScale(_ p: Double) -> Float { p > 0 ? Float(1) / Float(1 - p) : 1 }

/// ReLU then, when `p` > 0 and `generator` is given (training), dropout; in place.
/// One uniform draw per unit, in row-major order, so a seed gives the same mask.
///
/// - Parameters:
///   - values: (count) BatchNorm output in, block output out.
func reluDropoutForward(values: UnsafeMutablePointer<Float>, count: Int, p: Double,
                        generator: inout SeededGenerator?) {
    // `x < 0 ? 0 : x` keeps NaN (as torch's clamp_min), so a diverging head stays visible.
    guard p > 0, var g = generator else {
        for i in 0..<count where values[i] < 0 { values[i] = 0 }
        return
    }
    let scale = dropoutScale(p)
    for i in 0..<count {
        let noise: Float = g.nextUnitDouble() >= p ? scale : 0
        values[i] = (values[i] < 0 ? 0 : values[i]) * noise
    }
    generator = g
}

/// Backward of `reluDropoutForward` in training: `d = output > 0 ? d * scale : 0`, in place.
///
/// - Parameters:
///   - gradient: (count) d(loss)/d(block output) in, d(loss)/d(BatchNorm output) out.
///   - output: (count) the block output of the forward pass.
func reluDropoutBackward(gradient: UnsafeMutablePointer<Float>, output: UnsafePointer<Float>,
                         count: Int, p: Double) {
    let scale = dropoutScale(p)
    if p > 0 {
        for i in 0..<count { gradient[i] = output[i] > 0 ? gradient[i] * scale : 0 }
    } else {
        for i in 0..<count where !(output[i] > 0) { gradient[i] = 0 }
    }
}
