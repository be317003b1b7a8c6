// nn.BatchNorm1d on (rows, width) inputs, following PyTorch's CPU kernels
// (aten/src/ATen/native/Normalization.cpp and native/cpu/batch_norm_kernel.cpp):
// training normalises with the biased batch variance and updates running_var with the
// unbiased one; the output is computed as x * alpha + beta with alpha = invstd * gamma and
// beta = bias - mean * alpha. Per-channel sums run over rows in fp32, as PyTorch's
// channels-last reduction does on one thread; fused multiply-adds are formed in Double
// (exact product, one rounding), which is what the vectorised kernels compute.

/// `Float(a + b * c)` with one rounding of the exact product: a fused multiply-add.
@inline(__always)
func fusedMultiplyAdd(_ a: Float, _ b: Float, _ c: Float) -> Float {
    Float(Double(a) + Double(b) * Double(c))
}

/// BatchNorm1d training forward: batch statistics, output, running-statistics update.
/// The caller guarantees `rows` > 1.
///
/// - Parameters:
///   - y: (rows, width) output.
///   - x: (rows, width) input.
///   - gamma, beta: (width) affine weight and bias.
///   - saveMean, saveInvstd: (width) batch mean and 1/sqrt(biased var + eps), kept for backward.
///   - runningMean, runningVar: (width) updated with `momentum`.
///   - scratch: (2, width) work space.
func batchNormTrainForward(y: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>,
                           gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>,
                           saveMean: UnsafeMutablePointer<Float>, saveInvstd: UnsafeMutablePointer<Float>,
                           runningMean: UnsafeMutablePointer<Float>, runningVar: UnsafeMutablePointer<Float>,
                           scratch: UnsafeMutablePointer<Float>,
                           rows: Int, width: Int, momentum: Double = 0.1, eps: Double = 1e-5) {
    // mean: fp32 column sums, then sum / N in double, stored as float
    saveMean.update(repeating: 0, count: width)
    for r in 0..<rows {
        let row = x + r * width
        for c in 0..<width { saveMean[c] += row[c] }
    }
    for c in 0..<width { saveMean[c] = Float(Double(saveMean[c]) / Double(rows)) }
    // sum of squared deviations, fp32 with fused multiply-adds (kept in saveInvstd for now)
    saveInvstd.update(repeating: 0, count: width)
    for r in 0..<rows {
        let row = x + r * width
        for c in 0..<width {
            let d = row[c] - saveMean[c]
            saveInvstd[c] = fusedMultiplyAdd(saveInvstd[c], d, d)
        }
    }
    let n = Float(rows), unbiasedN = Float(rows - 1)
    for c in 0..<width {
        let varSum = saveInvstd[c]
        saveInvstd[c] = Float(1 / (Double(varSum / n) + eps).squareRoot())
        runningMean[c] = Float(momentum * Double(saveMean[c]) + (1 - momentum) * Double(runningMean[c]))
        runningVar[c] = Float(momentum * Double(varSum / unbiasedN) + (1 - momentum) * Double(runningVar[c]))
    }
    batchNormApply(y: y, x: x, gamma: gamma, beta: beta, mean: saveMean, invstd: saveInvstd,
                   scratch: scratch, rows: rows, width: width)
}

/// BatchNorm1d evaluation forward with the running statistics.
///
/// - Parameters:
///   - y: (rows, width) output.
///   - x: (rows, width) input.
///   - gamma, beta, runningMean, runningVar: (width).
///   - scratch: (3, width) work space.
func batchNormEvalForward(y: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>,
                          gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>,
                          runningMean: UnsafePointer<Float>, runningVar: UnsafePointer<Float>,
                          scratch: UnsafeMutablePointer<Float>, rows: Int, width: Int, eps: Double = 1e-5) {
    let invstd = scratch + 2 * width
    for c in 0..<width { invstd[c] = 1 / (runningVar[c] + Float(eps)).squareRoot() }
    batchNormApply(y: y, x: x, gamma: gamma, beta: beta, mean: runningMean, invstd: invstd,
                   scratch: scratch, rows: rows, width: width)
}

/// y = x * alpha + beta' with alpha = invstd * gamma and beta' = beta - mean * alpha.
///
/// - Parameters:
///   - y, x: (rows, width).
///   - gamma, beta, mean, invstd: (width).
///   - scratch: (2, width) work space for alpha and beta'.
@inline(__always)
private func batchNormApply(y: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>,
                            gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>,
                            mean: UnsafePointer<Float>, invstd: UnsafePointer<Float>,
                            scratch: UnsafeMutablePointer<Float>, rows: Int, width: Int) {
    let alpha = scratch, shift = scratch + width
    for c in 0..<width {
        alpha[c] = invstd[c] * gamma[c]
        shift[c] = fusedMultiplyAdd(beta[c], -mean[c], alpha[c])
    }
    for r in 0..<rows {
        let xr = x + r * width, yr = y + r * width
        for c in 0..<width { yr[c] = fusedMultiplyAdd(shift[c], xr[c], alpha[c]) }
    }
}

/// BatchNorm1d training backward.
///
/// `dx = (dy - mean(dy) - (x - mean) * k) * invstd * gamma` with
/// `k = sum((x - mean) * dy) * invstd^2 / N`; `dgamma = sum((x - mean) * dy) * invstd`,
/// `dbeta = sum(dy)`.
///
/// - Parameters:
///   - dx: (rows, width) overwritten.
///   - dGamma, dBeta: (width) overwritten.
///   - dy: (rows, width) gradient of the output.
///   - x: (rows, width) the forward input.
///   - gamma, saveMean, saveInvstd: (width).
///   - scratch: (2, width) work space.
func batchNormBackward(dx: UnsafeMutablePointer<Float>, dGamma: UnsafeMutablePointer<Float>,
                       dBeta: UnsafeMutablePointer<Float>, dy: UnsafePointer<Float>,
                       x: UnsafePointer<Float>, gamma: UnsafePointer<Float>,
                       saveMean: UnsafePointer<Float>, saveInvstd: UnsafePointer<Float>,
                       scratch: UnsafeMutablePointer<Float>, rows: Int, width: Int) {
    // dBeta = sum(dy), dGamma holds dot = sum((x - mean) * dy) until the end
    dBeta.update(repeating: 0, count: width)
    dGamma.update(repeating: 0, count: width)
    for r in 0..<rows {
        let xr = x + r * width, dyr = dy + r * width
        for c in 0..<width {
            dBeta[c] += dyr[c]
            dGamma[c] = fusedMultiplyAdd(dGamma[c], xr[c] - saveMean[c], dyr[c])
        }
    }
    let n = Float(rows)
    let k = scratch, gradMean = scratch + width
    for c in 0..<width {
        k[c] = dGamma[c] * saveInvstd[c] * saveInvstd[c] / n
        gradMean[c] = dBeta[c] / n
    }
    for r in 0..<rows {
        let xr = x + r * width, dyr = dy + r * width, dxr = dx + r * width
        for c in 0..<width {
            let centred = fusedMultiplyAdd(dyr[c] - gradMean[c], -(xr[c] - saveMean[c]), k[c])
            dxr[c] = centred * saveInvstd[c] * gamma[c]
        }
    }
    for c in 0..<width { dGamma[c] *= saveInvstd[c] }
}
