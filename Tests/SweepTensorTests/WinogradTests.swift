import XCTest
import Foundation
@testable import SweepTensor

/// Winograd F(2x2,3x3) and F(4x4,3x3) against a direct convolution written as a naive loop (in
/// double precision), on every 3x3 stride-1 shape of ResNet50 and on odd sizes.
final class WinogradTests: XCTestCase {
    func randomValues(_ n: Int, seed: UInt64, scale: Float = 1) -> [Float] {
        var s = seed
        return (0..<n).map { _ in
            s = s &* 6364136223846793005 &+ 1442695040888963407
            return (Float(Int64(bitPattern: s >> 11) % 2000) / 1000 - 1) * scale
        }
    }

    /// Direct 3x3, stride 1, padding 1 convolution, NHWC, weights (3, 3, cin, cout), for output
    /// channels `channels` only (every pixel): (n, h, w, channels.count).
    func direct(_ x: [Float], n: Int, h: Int, w: Int, c: Int, weights: [Float], cout: Int, bias: [Float],
                channels: [Int]) -> [Double] {
        var out = [Double](repeating: 0, count: n * h * w * channels.count)
        for b in 0..<n { for y in 0..<h { for xx in 0..<w { for (oi, o) in channels.enumerated() {
            var acc = Double(bias[o])
            for i in 0..<3 { for j in 0..<3 {
                let iy = y - 1 + i, ix = xx - 1 + j
                if iy < 0 || iy >= h || ix < 0 || ix >= w { continue }
                let xBase = ((b * h + iy) * w + ix) * c, wBase = (i * 3 + j) * c
                for ci in 0..<c { acc += Double(x[xBase + ci]) * Double(weights[(wBase + ci) * cout + o]) }
            }}
            out[((b * h + y) * w + xx) * channels.count + oi] = acc
        }}}}
        return out
    }

    /// Runs Winograd and returns max |winograd - direct| / max |direct| over the checked channels.
    func error(n: Int, h: Int, w: Int, c: Int, cout: Int, tile: WinogradTile, chunkBytes: Int = Winograd.defaultChunkBytes,
               accumulate: Bool = false, relu: Bool = false, checked: Int = 8, seed: UInt64 = 1) -> Double {
        let x = randomValues(n * h * w * c, seed: seed)
        let wt = randomValues(9 * c * cout, seed: seed + 1, scale: 1 / Float(9 * c).squareRoot())
        let bias = randomValues(cout, seed: seed + 2, scale: 0.1)
        let residual = accumulate ? randomValues(n * h * w * cout, seed: seed + 3) : [Float](repeating: .nan, count: n * h * w * cout)
        let channels = (0..<min(checked, cout)).map { $0 * cout / min(checked, cout) }
        var expected = direct(x, n: n, h: h, w: w, c: c, weights: wt, cout: cout, bias: bias, channels: channels)
        for p in 0..<(n * h * w) {
            for (oi, o) in channels.enumerated() {
                var v = expected[p * channels.count + oi]
                if accumulate { v += Double(residual[p * cout + o]) }
                expected[p * channels.count + oi] = relu ? max(v, 0) : v
            }
        }
        let filter = wt.withUnsafeBufferPointer {
            Winograd.transformFilter($0.baseAddress!, inChannels: c, outChannels: cout, tile: tile)
        }
        let scratch = FloatBuffer(count: Winograd.scratchCount(n: n, h: h, w: w, inChannels: c, outChannels: cout,
                                                               tile: tile, chunkBytes: chunkBytes))
        let out = FloatBuffer(residual)  // (n, h, w, cout)
        let xb = FloatBuffer(x), bb = FloatBuffer(bias)
        Winograd.convolve(xb.pointer, n: n, h: h, w: w, inChannels: c, filter: filter.pointer, outChannels: cout,
                          tile: tile, bias: bb.pointer, output: out.pointer, scratch: scratch.pointer,
                          chunkBytes: chunkBytes, accumulate: accumulate, relu: relu, threads: 2)
        var worst = 0.0, scale = 0.0
        for p in 0..<(n * h * w) {
            for (oi, o) in channels.enumerated() {
                let e = expected[p * channels.count + oi]
                scale = max(scale, abs(e))
                worst = max(worst, abs(Double(out.pointer[p * cout + o]) - e))  // NaN (an unwritten pixel) fails below
                if out.pointer[p * cout + o].isNaN { worst = .infinity }
            }
        }
        return worst / scale
    }

    /// Bounds relative to the largest output: F(2x2) loses little to fp32 rounding, F(4x4) more
    /// (its transforms hold 1/24 and 8); both far inside the trunk's 1e-3 fidelity bound.
    static let bound: [Int: Double] = [2: 1e-5, 4: 1e-4]

    func testEveryResNet50StrideOneShape() {
        for (c, size) in [(64, 56), (128, 28), (256, 14), (512, 7)] {
            for tile in [WinogradTile.f2, .f4] {
                let e = error(n: 1, h: size, w: size, c: c, cout: c, tile: tile, relu: true)
                print("Winograd \(tile) on \(c) channels at \(size)x\(size): max error \(e) of the largest output")
                XCTAssertLessThan(e, Self.bound[tile.m]!, "\(tile) \(c)@\(size)")
            }
        }
    }

    func testOddSizesBatchesAndResidual() {
        for (n, h, w) in [(1, 7, 5), (3, 9, 11), (3, 1, 1), (1, 2, 3), (3, 13, 6)] {
            for tile in [WinogradTile.f2, .f4] {
                for (accumulate, relu) in [(false, false), (true, true), (true, false)] {
                    let e = error(n: n, h: h, w: w, c: 5, cout: 7, tile: tile, accumulate: accumulate, relu: relu,
                                  checked: 7, seed: UInt64(n * 100 + h * 10 + w))
                    XCTAssertLessThan(e, Self.bound[tile.m]!, "\(tile) n=\(n) \(h)x\(w) accumulate=\(accumulate) relu=\(relu)")
                }
            }
        }
    }

    /// Passes of a few tiles at a time (here the minimum of 64 tiles, several passes) and all at once agree.
    func testChunkedPasses() {
        for tile in [WinogradTile.f2, .f4] {
            for chunk in [1, 0] {
                let e = error(n: 3, h: 30, w: 26, c: 16, cout: 24, tile: tile, chunkBytes: chunk, relu: true, checked: 24)
                XCTAssertLessThan(e, Self.bound[tile.m]!, "\(tile) chunk \(chunk)")
            }
        }
    }

    func testChunkTiles() {
        XCTAssertEqual(Winograd.chunkTiles(tiles: 1000, inChannels: 64, outChannels: 64, tile: .f4, chunkBytes: 0), 1000)
        XCTAssertEqual(Winograd.chunkTiles(tiles: 1000, inChannels: 64, outChannels: 64, tile: .f4, chunkBytes: 1), 64)
        XCTAssertEqual(Winograd.chunkTiles(tiles: 10, inChannels: 64, outChannels: 64, tile: .f4, chunkBytes: 1), 10)
        XCTAssertEqual(Winograd.chunkTiles(tiles: 1000, inChannels: 64, outChannels: 64, tile: .f4,
                                           chunkBytes: 200 * 36 * 128 * 4), 200)
        XCTAssertEqual(Winograd.tiles(n: 3, h: 7, w: 5, tile: .f4), 3 * 2 * 2)
    }
}
