import XCTest
import Foundation
@testable import SweepTensor

/// Kernels against naive loops written independently of them.
final class ConvKernelsTests: XCTestCase {
    func randomValues(_ n: Int, seed: UInt64) -> [Float] {
        var s = seed
        return (0..<n).map { _ in
            s = s &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: s >> 11) % 2000) / 1000 - 1
        }
    }

    /// A direct NHWC convolution: weights (kh, kw, cin, cout).
    func naiveConv(_ x: [Float], n: Int, h: Int, w: Int, c: Int, weights: [Float], cout: Int,
                   k: Int, stride: Int, pad: Int) -> [Float] {
        let oh = (h + 2 * pad - k) / stride + 1, ow = (w + 2 * pad - k) / stride + 1
        var out = [Float](repeating: 0, count: n * oh * ow * cout)
        for b in 0..<n { for y in 0..<oh { for xx in 0..<ow { for o in 0..<cout {
            var acc: Float = 0
            for i in 0..<k { for j in 0..<k {
                let iy = y * stride - pad + i, ix = xx * stride - pad + j
                if iy < 0 || iy >= h || ix < 0 || ix >= w { continue }
                for ci in 0..<c { acc += x[((b * h + iy) * w + ix) * c + ci] * weights[((i * k + j) * c + ci) * cout + o] }
            }}
            out[((b * oh + y) * ow + xx) * cout + o] = acc
        }}}}
        return out
    }

    func testIm2colGemmEqualsDirectConvolution() {
        for (k, stride, pad) in [(3, 1, 1), (3, 2, 1), (7, 2, 3), (1, 2, 0)] {
            let n = 2, h = 9, w = 7, c = 3, cout = 4
            let x = randomValues(n * h * w * c, seed: 1)
            let wt = randomValues(k * k * c * cout, seed: 2)
            let oh = ConvKernels.outputSize(h, kernel: k, stride: stride, padding: pad)
            let ow = ConvKernels.outputSize(w, kernel: k, stride: stride, padding: pad)
            var cols = [Float](repeating: .nan, count: n * oh * ow * k * k * c)
            var out = [Float](repeating: 0, count: n * oh * ow * cout)
            x.withUnsafeBufferPointer { xp in cols.withUnsafeMutableBufferPointer { cp in
                ConvKernels.im2col(input: xp.baseAddress!, n: n, h: h, w: w, c: c, kh: k, kw: k, stride: stride,
                                   padding: pad, output: cp.baseAddress!, threads: 2)
            }}
            cols.withUnsafeBufferPointer { cp in wt.withUnsafeBufferPointer { wp in out.withUnsafeMutableBufferPointer { op in
                BLAS.sgemm(m: n * oh * ow, n: cout, k: k * k * c, a: cp.baseAddress!, lda: k * k * c,
                           b: wp.baseAddress!, ldb: cout, c: op.baseAddress!, ldc: cout)
            }}}
            let expected = naiveConv(x, n: n, h: h, w: w, c: c, weights: wt, cout: cout, k: k, stride: stride, pad: pad)
            XCTAssertEqual(out.count, expected.count)
            for i in 0..<out.count { XCTAssertEqual(out[i], expected[i], accuracy: 1e-4, "k=\(k) s=\(stride) at \(i)") }
        }
    }

    func testMaxPoolIgnoresPadding() {
        let n = 1, h = 5, w = 5, c = 2
        let x = randomValues(n * h * w * c, seed: 3).map { $0 - 5 }  // all negative: zero padding would win
        var out = [Float](repeating: 0, count: 3 * 3 * c)
        x.withUnsafeBufferPointer { xp in out.withUnsafeMutableBufferPointer { op in
            ConvKernels.maxPool(input: xp.baseAddress!, n: n, h: h, w: w, c: c, kernel: 3, stride: 2, padding: 1,
                                output: op.baseAddress!, threads: 1)
        }}
        for y in 0..<3 { for xx in 0..<3 { for ch in 0..<c {
            var m = -Float.infinity
            for i in -1...1 { for j in -1...1 {
                let iy = 2 * y + i, ix = 2 * xx + j
                if iy >= 0 && iy < h && ix >= 0 && ix < w { m = max(m, x[(iy * w + ix) * c + ch]) }
            }}
            XCTAssertEqual(out[(y * 3 + xx) * c + ch], m)
            XCTAssertLessThan(m, 0)
        }}}
    }

    func testGlobalAveragePoolAndBias() {
        let x = randomValues(2 * 4 * 3, seed: 4)
        var out = [Float](repeating: 0, count: 2 * 3)
        x.withUnsafeBufferPointer { xp in out.withUnsafeMutableBufferPointer { op in
            ConvKernels.globalAveragePool(input: xp.baseAddress!, n: 2, hw: 4, c: 3, output: op.baseAddress!)
        }}
        for b in 0..<2 { for ch in 0..<3 {
            let mean = (0..<4).map { x[(b * 4 + $0) * 3 + ch] }.reduce(0, +) / 4
            XCTAssertEqual(out[b * 3 + ch], mean, accuracy: 1e-6)
        }}
        var y: [Float] = [-1, 2, -3, 4, -5, 6]
        let bias: [Float] = [0.5, -3, 1]
        y.withUnsafeMutableBufferPointer { yp in bias.withUnsafeBufferPointer { bp in
            ConvKernels.addBias(yp.baseAddress!, rows: 2, c: 3, bias: bp.baseAddress!, relu: true, threads: 1)
        }}
        XCTAssertEqual(y, [0, 0, 0, 4.5, 0, 7])
    }
}

final class ContentHashTests: XCTestCase {
    func testKnownSHA256Vectors() {
        XCTAssertEqual(ContentHasher.sha256Hex(Data()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(ContentHasher.sha256Hex(Data("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let h = ContentHasher()
        h.update(Data("a".utf8)); h.update(Data("bc".utf8))
        XCTAssertEqual(h.finalizeHex(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}

final class Im2colSliceTests: XCTestCase {
    /// Gathering a slice of output rows gives exactly those rows of the full gather.
    func testRowSliceEqualsTheSameRowsOfTheFullGather() {
        let n = 2, h = 7, w = 5, c = 3, k = 3
        var s: UInt64 = 9
        let x = (0..<(n * h * w * c)).map { _ -> Float in
            s = s &* 6364136223846793005 &+ 1442695040888963407
            return Float(s >> 40) / Float(1 << 24)
        }
        let rows = n * h * w, len = k * k * c
        var full = [Float](repeating: .nan, count: rows * len)
        var part = [Float](repeating: .nan, count: 11 * len)
        x.withUnsafeBufferPointer { xp in
            full.withUnsafeMutableBufferPointer { fp in
                ConvKernels.im2col(input: xp.baseAddress!, n: n, h: h, w: w, c: c, kh: k, kw: k, stride: 1, padding: 1,
                                   output: fp.baseAddress!, threads: 2)
            }
            part.withUnsafeMutableBufferPointer { pp in
                ConvKernels.im2col(input: xp.baseAddress!, n: n, h: h, w: w, c: c, kh: k, kw: k, stride: 1, padding: 1,
                                   rows: 30..<41, output: pp.baseAddress!, threads: 2)
            }
        }
        XCTAssertEqual(part, Array(full[(30 * len)..<(41 * len)]))
    }
}
