// nn.Linear forward and backward (PyTorch semantics: y = x W^T + b, W stored (out, in)),
// written as llm.c-style raw-pointer kernels over OpenBLAS GEMMs.
import SweepTensor

/// Linear forward: `y = x W^T + b` (the bias is copied into `y`, then one GEMM adds `x W^T`,
/// as PyTorch's `addmm`).
///
/// - Parameters:
///   - y: (rows, outWidth) output.
///   - x: (rows, inWidth) input.
///   - weight: (outWidth, inWidth).
///   - bias: (outWidth).
@inline(__always)
func linearForward(y: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>,
                   weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                   rows: Int, inWidth: Int, outWidth: Int) {
    guard rows > 0 else { return }
    for r in 0..<rows { (y + r * outWidth).update(from: bias, count: outWidth) }
    BLAS.sgemm(transB: true, m: rows, n: outWidth, k: inWidth,
               a: x, lda: inWidth, b: weight, ldb: inWidth, beta: 1, c: y, ldc: outWidth)
}

/// Linear backward: `dW = dy^T x`, `db = sum over rows of dy`, and `dx = dy W` when `dx` is
/// given (the first layer skips it: trunk features are not trained).
///
/// - Parameters:
///   - dWeight: (outWidth, inWidth) overwritten.
///   - dBias: (outWidth) overwritten.
///   - dx: (rows, inWidth) overwritten, or nil.
///   - dy: (rows, outWidth) gradient of the output.
///   - x: (rows, inWidth) the forward input.
///   - weight: (outWidth, inWidth).
@inline(__always)
func linearBackward(dWeight: UnsafeMutablePointer<Float>, dBias: UnsafeMutablePointer<Float>,
                    dx: UnsafeMutablePointer<Float>?, dy: UnsafePointer<Float>,
                    x: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                    rows: Int, inWidth: Int, outWidth: Int) {
    BLAS.sgemm(transA: true, m: outWidth, n: inWidth, k: rows,
               a: dy, lda: outWidth, b: x, ldb: inWidth, beta: 0, c: dWeight, ldc: inWidth)
    // Column sums in row order, in fp32 (PyTorch's `grad.sum(0)` for small batches).
    dBias.update(repeating: 0, count: outWidth)
    for r in 0..<rows {
        let row = dy + r * outWidth
        for o in 0..<outWidth { dBias[o] += row[o] }
    }
    if let dx {
        BLAS.sgemm(m: rows, n: inWidth, k: outWidth,
                   a: dy, lda: outWidth, b: weight, ldb: inWidth, beta: 0, c: dx, ldc: inWidth)
    }
}
