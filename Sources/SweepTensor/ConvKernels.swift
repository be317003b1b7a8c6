/// The memory-bound kernels of a convolutional network in NHWC layout. Convolutions
/// themselves are GEMMs: a 1x1 convolution is `(N*H*W, Cin) x (Cin, Cout)`; a KxK one
/// first gathers patches (`im2col`) into `(N*OH*OW, KH*KW*Cin)`.
public enum ConvKernels {
    /// Output size of a convolution or pooling along one axis.
    @inline(__always)
    public static func outputSize(_ input: Int, kernel: Int, stride: Int, padding: Int) -> Int {
        (input + 2 * padding - kernel) / stride + 1
    }

    /// Gathers convolution patches; padding reads as zero.
    ///
    /// - Parameters:
    ///   - input: (n, h, w, c)
    ///   - rows: which output pixels (flattened (b, y, x)); default all `n * oh * ow`.
    ///   - output: (rows.count, kh * kw * c), patch order (kh, kw, c)
    public static func im2col(input: UnsafePointer<Float>, n: Int, h: Int, w: Int, c: Int,
                              kh: Int, kw: Int, stride: Int, padding: Int, rows: Range<Int>? = nil,
                              output: UnsafeMutablePointer<Float>, threads: Int) {
        let oh = outputSize(h, kernel: kh, stride: stride, padding: padding)
        let ow = outputSize(w, kernel: kw, stride: stride, padding: padding)
        let rowLength = kh * kw * c
        let wanted = rows ?? 0..<(n * oh * ow)
        parallelRanges(wanted.count, ways: threads, minimumChunk: 64) { local in
            for r in (wanted.lowerBound + local.lowerBound)..<(wanted.lowerBound + local.upperBound) {
                let b = r / (oh * ow)
                let y = (r / ow) % oh
                let x = r % ow
                let dst = output + (r - wanted.lowerBound) * rowLength
                for i in 0..<kh {
                    let iy = y * stride - padding + i
                    let rowDst = dst + i * kw * c
                    if iy < 0 || iy >= h {
                        rowDst.update(repeating: 0, count: kw * c)
                        continue
                    }
                    let ix0 = x * stride - padding
                    if ix0 >= 0 && ix0 + kw <= w {
                        // The whole kernel row is inside the image: one contiguous copy.
                        rowDst.update(from: input + ((b * h + iy) * w + ix0) * c, count: kw * c)
                        continue
                    }
                    for j in 0..<kw {
                        let ix = ix0 + j
                        let d = rowDst + j * c
                        if ix < 0 || ix >= w {
                            d.update(repeating: 0, count: c)
                        } else {
                            d.update(from: input + ((b * h + iy) * w + ix) * c, count: c)
                        }
                    }
                }
            }
        }
    }

    /// Every `stride`-th pixel in each spatial axis (the input of a strided 1x1 convolution).
    ///
    /// - Parameters:
    ///   - input: (n, h, w, c)
    ///   - output: (n, ceil(h / stride), ceil(w / stride), c)
    public static func subsample(input: UnsafePointer<Float>, n: Int, h: Int, w: Int, c: Int,
                                 stride: Int, output: UnsafeMutablePointer<Float>) {
        let oh = (h + stride - 1) / stride
        let ow = (w + stride - 1) / stride
        for b in 0..<n {
            for y in 0..<oh {
                for x in 0..<ow {
                    (output + ((b * oh + y) * ow + x) * c)
                        .update(from: input + ((b * h + y * stride) * w + x * stride) * c, count: c)
                }
            }
        }
    }

    /// y = relu(y + bias) in place (relu optional).
    ///
    /// - Parameters:
    ///   - values: (rows, c)
    ///   - bias: (c)
    public static func addBias(_ values: UnsafeMutablePointer<Float>, rows: Int, c: Int,
                               bias: UnsafePointer<Float>, relu: Bool, threads: Int) {
        parallelRanges(rows, ways: threads, minimumChunk: 256) { range in
            for r in range {
                let row = values + r * c
                if relu {
                    for j in 0..<c { row[j] = max(row[j] + bias[j], 0) }
                } else {
                    for j in 0..<c { row[j] += bias[j] }
                }
            }
        }
    }

    /// 2-D max pooling; padding never wins (it is -infinity, as in PyTorch).
    ///
    /// - Parameters:
    ///   - input: (n, h, w, c)
    ///   - output: (n, oh, ow, c)
    public static func maxPool(input: UnsafePointer<Float>, n: Int, h: Int, w: Int, c: Int,
                               kernel: Int, stride: Int, padding: Int,
                               output: UnsafeMutablePointer<Float>, threads: Int) {
        let oh = outputSize(h, kernel: kernel, stride: stride, padding: padding)
        let ow = outputSize(w, kernel: kernel, stride: stride, padding: padding)
        parallelRanges(n * oh, ways: threads, minimumChunk: 8) { range in
            for r in range {
                let b = r / oh
                let y = r % oh
                for x in 0..<ow {
                    let dst = output + ((b * oh + y) * ow + x) * c
                    dst.update(repeating: -Float.infinity, count: c)
                    for i in 0..<kernel {
                        let iy = y * stride - padding + i
                        if iy < 0 || iy >= h { continue }
                        for j in 0..<kernel {
                            let ix = x * stride - padding + j
                            if ix < 0 || ix >= w { continue }
                            let src = input + ((b * h + iy) * w + ix) * c
                            for k in 0..<c { dst[k] = max(dst[k], src[k]) }
                        }
                    }
                }
            }
        }
    }

    /// Mean over the spatial positions.
    ///
    /// - Parameters:
    ///   - input: (n, hw, c)
    ///   - output: (n, c)
    public static func globalAveragePool(input: UnsafePointer<Float>, n: Int, hw: Int, c: Int,
                                         output: UnsafeMutablePointer<Float>) {
        let scale = 1 / Float(hw)
        for b in 0..<n {
            let dst = output + b * c
            dst.update(repeating: 0, count: c)
            for p in 0..<hw {
                let src = input + (b * hw + p) * c
                for k in 0..<c { dst[k] += src[k] }
            }
            for k in 0..<c { dst[k] *= scale }
        }
    }
}
