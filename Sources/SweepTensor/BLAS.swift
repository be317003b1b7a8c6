import CBLAS

/// The one matrix product everything heavy is built from: OpenBLAS's `cblas_sgemm`.
public enum BLAS {
    /// Sets how many threads OpenBLAS uses for each call (process-wide).
    public static func setThreads(_ n: Int) { openblas_set_num_threads(Int32(max(1, n))) }

    /// Threads OpenBLAS currently uses.
    public static var threads: Int { Int(openblas_get_num_threads()) }

    /// Number of cores OpenBLAS sees.
    public static var cores: Int { Int(openblas_get_num_procs()) }

    /// C = alpha * op(A) * op(B) + beta * C, row-major.
    ///
    /// - Parameters:
    ///   - a: (m, k) with leading dimension `lda`, or (k, m) when `transA`.
    ///   - b: (k, n) with leading dimension `ldb`, or (n, k) when `transB`.
    ///   - c: (m, n) with leading dimension `ldc`.
    @inline(__always)
    public static func sgemm(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
                             alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                             b: UnsafePointer<Float>, ldb: Int,
                             beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// Double-precision C = alpha * op(A) * op(B) + beta * C, row-major (shapes as `sgemm`).
    @inline(__always)
    public static func dgemm(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
                             alpha: Double = 1, a: UnsafePointer<Double>, lda: Int,
                             b: UnsafePointer<Double>, ldb: Int,
                             beta: Double = 0, c: UnsafeMutablePointer<Double>, ldc: Int) {
        cblas_dgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}
