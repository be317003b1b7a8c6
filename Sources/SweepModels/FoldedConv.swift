import SweepTensor

/// An inference-time convolution with its BatchNorm folded in:
/// `y = conv(x, w * s) + (beta - mean * s)`, `s = gamma / sqrt(var + eps)` (eval-mode BN,
/// PyTorch `BatchNorm2d` eps 1e-5). Runs as one GEMM on NHWC activations.
public struct FoldedConv: Sendable {
    /// Channels of the input.
    public let inChannels: Int
    /// Channels of the output.
    public let outChannels: Int
    /// Kernel height and width (square kernels only).
    public let kernel: Int
    /// Step between output pixels, in input pixels.
    public let stride: Int
    /// Zero padding on each side of the input.
    public let padding: Int
    /// (kernel * kernel * inChannels, outChannels): rows in patch order (kh, kw, cin).
    public let weight: FloatBuffer
    /// (outChannels)
    public let bias: FloatBuffer
    /// How it runs: im2col, or (3x3 stride 1 only) Winograd with `winogradFilter`.
    public private(set) var algorithm: ConvAlgorithm = .im2col
    /// (t * t, inChannels, outChannels): the weight transformed once for `algorithm`'s tile.
    private(set) var winogradFilter: FloatBuffer?

    /// Folds a torch conv weight (out, in, kh, kw) and its BatchNorm2d parameters.
    public init(layout c: ResNet50Layout.ConvBN, from weights: StateDict, file: String, eps: Double = 1e-5) throws {
        let k = c.kernel
        let w = try weights.tensor(c.conv, shape: [c.outChannels, c.inChannels, k, k], file: file)
        let gamma = try weights.tensor("\(c.bn).weight", shape: [c.outChannels], file: file)
        let beta = try weights.tensor("\(c.bn).bias", shape: [c.outChannels], file: file)
        let mean = try weights.tensor("\(c.bn).running_mean", shape: [c.outChannels], file: file)
        let variance = try weights.tensor("\(c.bn).running_var", shape: [c.outChannels], file: file)
        inChannels = c.inChannels
        outChannels = c.outChannels
        kernel = k
        stride = c.stride
        padding = c.padding
        var folded = [Float](repeating: 0, count: k * k * c.inChannels * c.outChannels)
        var shift = [Float](repeating: 0, count: c.outChannels)
        for o in 0..<c.outChannels {
            let s = Double(gamma.data[o]) / (Double(variance.data[o]) + eps).squareRoot()
            shift[o] = Float(Double(beta.data[o]) - Double(mean.data[o]) * s)
            for i in 0..<c.inChannels {
                for y in 0..<k {
                    for x in 0..<k {
                        let src = ((o * c.inChannels + i) * k + y) * k + x
                        let row = (y * k + x) * c.inChannels + i
                        folded[row * c.outChannels + o] = Float(Double(w.data[src]) * s)
                    }
                }
            }
        }
        weight = FloatBuffer(folded)
        bias = FloatBuffer(shift)
    }

    /// This convolution running `algorithm` (its filter transformed now); a Winograd algorithm
    /// on anything but a 3x3 stride-1 padding-1 convolution gives im2col.
    public func using(_ algorithm: ConvAlgorithm) -> FoldedConv {
        var copy = self
        guard let tile = algorithm.tile, kernel == 3, stride == 1, padding == 1 else {
            copy.algorithm = .im2col
            copy.winogradFilter = nil
            return copy
        }
        copy.algorithm = algorithm
        copy.winogradFilter = Winograd.transformFilter(weight.pointer, inChannels: inChannels, outChannels: outChannels,
                                                       tile: tile)
        return copy
    }

    /// Bytes of patches gathered per GEMM call unless a workspace says otherwise (tuned in
    /// `make bench`).
    public static let defaultPatchChunkBytes = 2 << 20

    /// Patch rows gathered per GEMM call: as many whole rows of `k` floats as fit in
    /// `chunkBytes` (at least one), or all `rows` when `chunkBytes` <= 0.
    static func chunkRows(rows: Int, k: Int, chunkBytes: Int) -> Int {
        chunkBytes <= 0 ? rows : max(1, min(rows, chunkBytes / (k * MemoryLayout<Float>.stride)))
    }

    /// Floats of scratch the convolution `c` needs on an (n, h, w, inChannels) input: the
    /// subsampled input of a strided 1x1, one chunk of patches of a larger kernel (for a 3x3
    /// stride-1 one, or one pass of either Winograd algorithm), none for an unstrided 1x1.
    static func scratchCount(_ c: ResNet50Layout.ConvBN, n: Int, h: Int, w: Int, chunkBytes: Int) -> Int {
        let oh = ConvKernels.outputSize(h, kernel: c.kernel, stride: c.stride, padding: c.padding)
        let ow = ConvKernels.outputSize(w, kernel: c.kernel, stride: c.stride, padding: c.padding)
        let rows = n * oh * ow
        if c.kernel == 1 { return c.stride == 1 ? 0 : rows * c.inChannels }
        let k = c.kernel * c.kernel * c.inChannels
        var count = chunkRows(rows: rows, k: k, chunkBytes: chunkBytes) * k
        if c.kernel == 3 && c.stride == 1 && c.padding == 1 {
            for tile in [WinogradTile.f2, .f4] {
                count = max(count, Winograd.scratchCount(n: n, h: h, w: w, inChannels: c.inChannels,
                                                         outChannels: c.outChannels, tile: tile,
                                                         chunkBytes: Winograd.defaultChunkBytes))
            }
        }
        return count
    }

    /// output[rows] = a[rows - rows.lowerBound] x weight (+ output when accumulating), then bias
    /// (and ReLU) on those rows.
    ///
    /// - Parameters:
    ///   - a: (rows.count, k) patches or pixels, the first of them for `rows.lowerBound`.
    ///   - output: (all rows, outChannels)
    func gemm(_ a: UnsafePointer<Float>, rows: Range<Int>, k: Int, output: UnsafeMutablePointer<Float>,
              accumulate: Bool, relu: Bool, threads: Int, profiler: Profiler?) {
        let c = output + rows.lowerBound * outChannels
        profiler.measure("gemm") {
            BLAS.sgemm(m: rows.count, n: outChannels, k: k, a: a, lda: k, b: weight.pointer, ldb: outChannels,
                       beta: accumulate ? 1 : 0, c: c, ldc: outChannels)
        }
        profiler.measure("epilogue") {
            ConvKernels.addBias(c, rows: rows.count, c: outChannels, bias: bias.pointer, relu: relu, threads: threads)
        }
    }

    /// Multiply-adds per output pixel.
    public var macsPerPixel: Int { kernel * kernel * inChannels * outChannels }

    /// Runs the convolution; `output` receives `(n, oh, ow, outChannels)`.
    ///
    /// - Parameters:
    ///   - input: (n, h, w, inChannels)
    ///   - output: (n, oh, ow, outChannels); when `accumulate`, it already holds a residual that
    ///     the result is added to.
    ///   - scratch: for Winograd, one pass's transforms (`Winograd.scratchCount`); else room for one chunk of patches, (chunk rows, kernel^2 * inChannels) with as many
    ///     whole rows as fit in `patchChunkBytes` (at least one); for a strided 1x1 the subsampled
    ///     input (n, oh, ow, inChannels); unused for unstrided 1x1 convolutions.
    ///   - patchChunkBytes: bytes of patches gathered per GEMM call (0 = all at once); the same
    ///     value `scratch` was sized for.
    ///   - relu: apply ReLU after bias (and residual).
    /// - Returns: the output's spatial size.
    @discardableResult
    public func callAsFunction(_ input: UnsafePointer<Float>, n: Int, h: Int, w: Int,
                               output: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>,
                               patchChunkBytes: Int = FoldedConv.defaultPatchChunkBytes,
                               accumulate: Bool = false, relu: Bool, threads: Int,
                               profiler: Profiler? = nil) -> (h: Int, w: Int) {
        let oh = ConvKernels.outputSize(h, kernel: kernel, stride: stride, padding: padding)
        let ow = ConvKernels.outputSize(w, kernel: kernel, stride: stride, padding: padding)
        let rows = n * oh * ow
        let k = kernel * kernel * inChannels
        if let tile = algorithm.tile, let filter = winogradFilter {
            Winograd.convolve(input, n: n, h: h, w: w, inChannels: inChannels, filter: filter.pointer,
                              outChannels: outChannels, tile: tile, bias: bias.pointer, output: output,
                              scratch: scratch, accumulate: accumulate, relu: relu, threads: threads,
                              profiler: profiler)
        } else if kernel == 1 && stride == 1 {
            gemm(input, rows: 0..<rows, k: k, output: output, accumulate: accumulate, relu: relu,
                 threads: threads, profiler: profiler)
        } else if kernel == 1 {
            profiler.measure("gather") {
                ConvKernels.subsample(input: input, n: n, h: h, w: w, c: inChannels, stride: stride, output: scratch)
            }
            gemm(scratch, rows: 0..<rows, k: k, output: output, accumulate: accumulate, relu: relu,
                 threads: threads, profiler: profiler)
        } else {
            // Patches are gathered and multiplied a slice of rows at a time, so the slice stays
            // in cache between im2col writing it and the GEMM reading it.
            let chunk = Self.chunkRows(rows: rows, k: k, chunkBytes: patchChunkBytes)
            for start in Swift.stride(from: 0, to: rows, by: chunk) {
                let range = start..<min(rows, start + chunk)
                profiler.measure("gather") {
                    ConvKernels.im2col(input: input, n: n, h: h, w: w, c: inChannels, kh: kernel, kw: kernel,
                                       stride: stride, padding: padding, rows: range, output: scratch, threads: threads)
                }
                gemm(scratch, rows: range, k: k, output: output, accumulate: accumulate, relu: relu,
                     threads: threads, profiler: profiler)
            }
        }
        return (oh, ow)
    }
}
