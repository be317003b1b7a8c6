// Winograd minimal filtering for 3x3, stride-1, padding-1 convolutions.
// Reference: A. Lavin and S. Gray, "Fast Algorithms for Convolutional Neural Networks", CVPR 2016
// (F(2x2,3x3) and F(4x4,3x3); transform matrices B^T, G, A^T as in its section 4).
//
// Y = A^T [ (G g G^T) (.) (B^T d B) ] A for every m x m output tile, d its (m+2)^2 input tile.
// The element-wise product over all tiles and channels is t^2 independent GEMMs
// (tiles, Cin) x (Cin, Cout), t = m + 2, run through OpenBLAS.

/// One Winograd algorithm F(m x m, 3 x 3): its output tile and transform matrices.
public struct WinogradTile: Sendable, Hashable, CustomStringConvertible {
    /// Output tile side m.
    public let m: Int
    /// Input tile side t = m + 2.
    public var t: Int { m + 2 }
    /// B^T, (t, t) row-major.
    let bt: [Double]
    /// G, (t, 3).
    let g: [Double]
    /// A^T, (m, t).
    let at: [Double]

    /// F(2x2, 3x3): 16 products per 4 outputs (2.25x fewer multiplications than direct).
    public static let f2 = WinogradTile(
        m: 2,
        bt: [1, 0, -1, 0,
             0, 1, 1, 0,
             0, -1, 1, 0,
             0, 1, 0, -1],
        g: [1, 0, 0,
            0.5, 0.5, 0.5,
            0.5, -0.5, 0.5,
            0, 0, 1],
        at: [1, 1, 1, 0,
             0, 1, -1, -1])

    /// F(4x4, 3x3): 36 products per 16 outputs (4x fewer multiplications than direct).
    public static let f4 = WinogradTile(
        m: 4,
        bt: [4, 0, -5, 0, 1, 0,
             0, -4, -4, 1, 1, 0,
             0, 4, -4, -1, 1, 0,
             0, -2, -1, 2, 1, 0,
             0, 2, -1, -2, 1, 0,
             0, 4, 0, -5, 0, 1],
        g: [1.0 / 4, 0, 0,
            -1.0 / 6, -1.0 / 6, -1.0 / 6,
            -1.0 / 6, 1.0 / 6, -1.0 / 6,
            1.0 / 24, 1.0 / 12, 1.0 / 6,
            1.0 / 24, -1.0 / 12, 1.0 / 6,
            0, 0, 1],
        at: [1, 1, 1, 1, 1, 0,
             0, 1, -1, 2, -2, 0,
             0, 1, 1, 4, 4, 0,
             0, 1, -1, 8, -8, 1])

    public var description: String { "F(\(m)x\(m),3x3)" }
}

/// The three stages of a Winograd convolution on NHWC activations.
public enum Winograd {
    /// Bytes of transformed input and products per pass unless told otherwise (tuned in `make bench`).
    public static let defaultChunkBytes = 4 << 20
    /// Fewest tiles per pass (so the GEMMs keep enough rows to run near peak).
    static let minimumChunkTiles = 64

    /// Tiles covering an (n, h, w) output: (n, ceil(h / m), ceil(w / m)).
    public static func tiles(n: Int, h: Int, w: Int, tile: WinogradTile) -> Int {
        n * ((h + tile.m - 1) / tile.m) * ((w + tile.m - 1) / tile.m)
    }

    /// Tiles per pass: as many as fit in `chunkBytes` of transformed input plus products
    /// (at least `minimumChunkTiles`, at most all), or all when `chunkBytes` <= 0.
    public static func chunkTiles(tiles: Int, inChannels: Int, outChannels: Int, tile: WinogradTile,
                                  chunkBytes: Int) -> Int {
        let perTile = tile.t * tile.t * (inChannels + outChannels) * MemoryLayout<Float>.stride
        if chunkBytes <= 0 { return tiles }
        return max(1, min(tiles, max(minimumChunkTiles, chunkBytes / perTile)))
    }

    /// Floats of scratch `convolve` needs: one pass's transformed input and products.
    public static func scratchCount(n: Int, h: Int, w: Int, inChannels: Int, outChannels: Int,
                                    tile: WinogradTile, chunkBytes: Int) -> Int {
        let all = tiles(n: n, h: h, w: w, tile: tile)
        let chunk = chunkTiles(tiles: all, inChannels: inChannels, outChannels: outChannels, tile: tile,
                               chunkBytes: chunkBytes)
        return chunk * tile.t * tile.t * (inChannels + outChannels)
    }

    /// U = G g G^T for every (input, output) channel pair, computed in double precision.
    ///
    /// - Parameters:
    ///   - weight: (3, 3, inChannels, outChannels), rows in patch order (kh, kw, cin).
    /// - Returns: (t * t, inChannels, outChannels).
    public static func transformFilter(_ weight: UnsafePointer<Float>, inChannels: Int, outChannels: Int,
                                       tile: WinogradTile) -> FloatBuffer {
        let t = tile.t, plane = inChannels * outChannels
        let out = FloatBuffer(count: t * t * plane)
        var gg = [Double](repeating: 0, count: 9), tmp = [Double](repeating: 0, count: t * 3)
        for p in 0..<plane {
            for k in 0..<9 { gg[k] = Double(weight[k * plane + p]) }
            for i in 0..<t {  // tmp = G g, (t, 3)
                for j in 0..<3 {
                    var s = 0.0
                    for a in 0..<3 { s += tile.g[i * 3 + a] * gg[a * 3 + j] }
                    tmp[i * 3 + j] = s
                }
            }
            for i in 0..<t {  // U = tmp G^T, (t, t)
                for j in 0..<t {
                    var s = 0.0
                    for b in 0..<3 { s += tmp[i * 3 + b] * tile.g[j * 3 + b] }
                    out.pointer[(i * t + j) * plane + p] = Float(s)
                }
            }
        }
        return out
    }

    /// A 3x3, stride-1, padding-1 convolution; `output` receives `(n, h, w, outChannels)`.
    ///
    /// - Parameters:
    ///   - input: (n, h, w, inChannels)
    ///   - filter: (t * t, inChannels, outChannels) from `transformFilter`.
    ///   - bias: (outChannels)
    ///   - output: (n, h, w, outChannels); when `accumulate`, it holds a residual the result is added to.
    ///   - scratch: `scratchCount(...)` floats for the same `chunkBytes`.
    ///   - relu: ReLU after bias (and residual).
    ///   - threads: ways to split the transforms (GEMM threads are OpenBLAS's setting).
    public static func convolve(_ input: UnsafePointer<Float>, n: Int, h: Int, w: Int, inChannels: Int,
                                filter: UnsafePointer<Float>, outChannels: Int, tile: WinogradTile,
                                bias: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
                                scratch: UnsafeMutablePointer<Float>, chunkBytes: Int = defaultChunkBytes,
                                accumulate: Bool, relu: Bool, threads: Int, profiler: Profiler? = nil) {
        let t = tile.t
        let all = tiles(n: n, h: h, w: w, tile: tile)
        let chunk = chunkTiles(tiles: all, inChannels: inChannels, outChannels: outChannels, tile: tile,
                               chunkBytes: chunkBytes)
        let v = scratch, products = scratch + chunk * t * t * inChannels
        let geometry = TileGeometry(n: n, h: h, w: w, tile: tile)
        for start in stride(from: 0, to: all, by: chunk) {
            let count = min(chunk, all - start)
            profiler.measure("winograd input") {
                parallelRanges(count, ways: threads, minimumChunk: 16) { range in
                    WinogradStages.transformInput(input, geometry: geometry, channels: inChannels,
                                                  tiles: start..<(start + count), local: range, v: v)
                }
            }
            profiler.measure("gemm") {
                for xi in 0..<(t * t) {
                    BLAS.sgemm(m: count, n: outChannels, k: inChannels, a: v + xi * count * inChannels, lda: inChannels,
                               b: filter + xi * inChannels * outChannels, ldb: outChannels,
                               c: products + xi * count * outChannels, ldc: outChannels)
                }
            }
            profiler.measure("winograd output") {
                parallelRanges(count, ways: threads, minimumChunk: 16) { range in
                    WinogradStages.transformOutput(products, geometry: geometry, channels: outChannels,
                                                   tiles: start..<(start + count), local: range, bias: bias,
                                                   output: output, accumulate: accumulate, relu: relu)
                }
            }
        }
    }
}

/// Where the tiles of an (n, h, w) image batch lie.
struct TileGeometry {
    let n: Int, h: Int, w: Int
    let tile: WinogradTile
    /// Tiles down and across one image.
    let rows: Int, columns: Int

    init(n: Int, h: Int, w: Int, tile: WinogradTile) {
        self.n = n; self.h = h; self.w = w; self.tile = tile
        rows = (h + tile.m - 1) / tile.m
        columns = (w + tile.m - 1) / tile.m
    }

    /// (image, first output row, first output column) of tile `r`.
    @inline(__always)
    func origin(_ r: Int) -> (b: Int, y: Int, x: Int) {
        let perImage = rows * columns
        return (r / perImage, ((r % perImage) / columns) * tile.m, (r % columns) * tile.m)
    }
}
