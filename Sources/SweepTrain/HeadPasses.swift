// Forward and backward passes of the head in training mode (batch statistics, dropout),
// chaining the per-layer kernels: Linear -> BatchNorm1d -> ReLU -> Dropout per block, then Linear.
import SweepTensor

extension Head {
    /// Training-mode forward of one batch; updates the BatchNorm running statistics.
    ///
    /// - Parameters:
    ///   - x: (rows, inputWidth) features of the batch.
    ///   - dropout: generator for the dropout masks (nil: no dropout even if configured).
    /// - Returns: (rows, classes) logits, valid until the next pass.
    func trainForward(x: UnsafePointer<Float>, rows: Int,
                      dropout generator: inout SeededGenerator?) throws -> UnsafeMutablePointer<Float> {
        if rows < 2, let first = layout.norms.first {
            throw TrainError.batchOfOne(layer: "head layer \(first.index)")
        }
        let ws = workspace(rows: rows)
        let p = parameters.pointer, s = statistics.pointer
        var input = x
        for (i, n) in layout.norms.enumerated() {
            let l = layout.linears[i]
            let z = ws.linearOut[i].pointer, a = ws.blockOut[i].pointer
            linearForward(y: z, x: input, weight: p + l.weight, bias: p + l.bias,
                          rows: rows, inWidth: l.inWidth, outWidth: l.outWidth)
            batchNormTrainForward(y: a, x: z, gamma: p + n.weight, beta: p + n.bias,
                                  saveMean: ws.saveMean[i].pointer, saveInvstd: ws.saveInvstd[i].pointer,
                                  runningMean: s + n.mean, runningVar: s + n.variance,
                                  scratch: ws.scratch.pointer, rows: rows, width: n.width)
            batchesTracked[i] += 1
            reluDropoutForward(values: a, count: rows * n.width, p: config.dropout, generator: &generator)
            input = UnsafePointer(a)
        }
        guard let out = layout.linears.last else { return ws.logits.pointer }
        linearForward(y: ws.logits.pointer, x: input, weight: p + out.weight, bias: p + out.bias,
                      rows: rows, inWidth: out.inWidth, outWidth: out.outWidth)
        return ws.logits.pointer
    }

    /// (capacity, classes) buffer the loss writes d(loss)/d(logits) into before `trainBackward`.
    func logitGradient(rows: Int) -> UnsafeMutablePointer<Float> { workspace(rows: rows).logitGradient.pointer }

    /// Training-mode backward of the batch of the last `trainForward`: overwrites `gradients`
    /// from d(loss)/d(logits) in the workspace's `logitGradient`.
    ///
    /// - Parameters:
    ///   - x: (rows, inputWidth) the same features as the forward pass.
    func trainBackward(x: UnsafePointer<Float>, rows: Int) {
        let ws = workspace(rows: rows)
        let p = parameters.pointer, g = gradients.pointer
        // gradient w.r.t. the output of the Linear being processed; A and B alternate
        var dOut = UnsafePointer(ws.logitGradient.pointer)
        let dInput = ws.gradientA.pointer, dLinearOut = ws.gradientB.pointer
        for i in stride(from: layout.linears.count - 1, through: 0, by: -1) {
            let l = layout.linears[i]
            let input = i == 0 ? x : UnsafePointer(ws.blockOut[i - 1].pointer)
            linearBackward(dWeight: g + l.weight, dBias: g + l.bias, dx: i == 0 ? nil : dInput,
                           dy: dOut, x: input, weight: p + l.weight,
                           rows: rows, inWidth: l.inWidth, outWidth: l.outWidth)
            guard i > 0 else { break }
            let n = layout.norms[i - 1]
            reluDropoutBackward(gradient: dInput, output: ws.blockOut[i - 1].pointer,
                                count: rows * n.width, p: config.dropout)
            batchNormBackward(dx: dLinearOut, dGamma: g + n.weight, dBeta: g + n.bias, dy: dInput,
                              x: ws.linearOut[i - 1].pointer, gamma: p + n.weight,
                              saveMean: ws.saveMean[i - 1].pointer, saveInvstd: ws.saveInvstd[i - 1].pointer,
                              scratch: ws.scratch.pointer, rows: rows, width: n.width)
            dOut = UnsafePointer(dLinearOut)
        }
    }

    /// The training workspace, grown to hold `rows`.
    private func workspace(rows: Int) -> HeadWorkspace {
        if let ws = workspace, ws.capacity >= rows { return ws }
        let ws = HeadWorkspace(layout: layout, capacity: rows)
        workspace = ws
        return ws
    }
}
