import SweepTensor

/// GFLOP/s of a square `cblas_sgemm` (the reference every other figure is divided by).
func sgemmGFLOPs(n: Int = 2048, threads: Int, repeats: Int = 5) -> Double {
    BLAS.setThreads(threads)
    let a = FloatBuffer(count: n * n), b = FloatBuffer(count: n * n), c = FloatBuffer(count: n * n)  // (n, n) each
    for i in 0..<(n * n) {
        a.pointer[i] = Float(i % 7) * 0.1
        b.pointer[i] = Float(i % 5) * 0.1
    }
    let run = { BLAS.sgemm(m: n, n: n, k: n, a: a.pointer, lda: n, b: b.pointer, ldb: n, c: c.pointer, ldc: n) }
    run()
    let t = bestTime(repeats: repeats, run)
    return 2 * Double(n) * Double(n) * Double(n) / t / 1e9
}
