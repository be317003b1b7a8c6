import SweepData
/// Noise for the synthetic scenes: a precomputed tileable fractal value-noise texture (so a
/// per-pixel lookup costs one bilinear fetch), a per-pixel hash for grain, and 1-D midpoint
/// displacement for ridge lines (Fournier, Fussell & Carpenter, "Computer Rendering of
/// Stochastic Models", CACM 25(6), 1982).
final class NoiseTexture: @unchecked Sendable {
    /// Side of the square textures (a power of two).
    static let size = 256
    /// Fractal noise, (size, size) row-major, zero mean, in -1...1: features from 64 texels down to 4.
    private let values: UnsafeMutablePointer<Float>
    /// Single-octave noise, (size, size), in -1...1: features of about 4 texels (fine detail).
    private let detailValues: UnsafeMutablePointer<Float>

    /// The textures shared by all scenes (fixed, so that images depend only on their seed).
    static let shared = NoiseTexture(seed: 0x5CE7E)

    /// Value noise with smoothstep interpolation: octaves with lattice periods 64, 32, 16, 8, 4
    /// texels and amplitude halving (`values`), and the period-4 octave alone (`detailValues`).
    init(seed: UInt64) {
        let n = Self.size
        values = Self.valueNoise(seed: seed, firstCells: 4, octaves: 5)
        detailValues = Self.valueNoise(seed: seed &+ 1, firstCells: n / 4, octaves: 1)
    }

    deinit {
        values.deallocate()
        detailValues.deallocate()
    }

    /// Tileable value noise, normalised to zero mean and peak 1. Returns (size, size).
    private static func valueNoise(seed: UInt64, firstCells: Int, octaves: Int) -> UnsafeMutablePointer<Float> {
        let n = size
        var out = [Float](repeating: 0, count: n * n)
        var amplitude: Float = 1
        var cells = firstCells
        for octave in 0..<octaves {
            var lattice = [Float](repeating: 0, count: cells * cells)
            var rng = SeededRandom(seed: seed, stream: UInt64(octave))
            for i in lattice.indices { lattice[i] = Float(rng.unit() * 2 - 1) }
            let step = n / cells
            for y in 0..<n {
                let gy = y / step, fy = Float(y % step) / Float(step)
                let sy = fy * fy * (3 - 2 * fy)
                for x in 0..<n {
                    let gx = x / step, fx = Float(x % step) / Float(step)
                    let sx = fx * fx * (3 - 2 * fx)
                    let x1 = (gx + 1) % cells, y1 = (gy + 1) % cells
                    let a = lattice[gy * cells + gx], b = lattice[gy * cells + x1]
                    let c = lattice[y1 * cells + gx], d = lattice[y1 * cells + x1]
                    let top = a + (b - a) * sx, bottom = c + (d - c) * sx
                    out[y * n + x] += amplitude * (top + (bottom - top) * sy)
                }
            }
            amplitude *= 0.5
            cells *= 2
        }
        let mean = out.reduce(0, +) / Float(out.count)
        let peak = max(out.reduce(0) { max($0, abs($1 - mean)) }, 1e-6)
        let result = UnsafeMutablePointer<Float>.allocate(capacity: n * n)
        for i in 0..<(n * n) { result[i] = (out[i] - mean) / peak }
        return result
    }

    /// Fine detail at texel coordinates (u, v): features of about 4 texels, wrapping.
    @inline(__always) func detail(_ u: Float, _ v: Float) -> Float { Self.bilinear(detailValues, u, v) }

    /// Bilinear lookup at texel coordinates (u, v) in the fractal texture, wrapping.
    @inline(__always) func sample(_ u: Float, _ v: Float) -> Float { Self.bilinear(values, u, v) }

    /// Bilinear lookup in `texture` (size, size) at (u, v), wrapping.
    @inline(__always) private static func bilinear(_ texture: UnsafeMutablePointer<Float>, _ u: Float, _ v: Float) -> Float {
        let fu = u.rounded(.down), fv = v.rounded(.down)
        let tu = u - fu, tv = v - fv
        let mask = size - 1
        let x0 = Int(fu) & mask, y0 = Int(fv) & mask
        let x1 = (x0 + 1) & mask, y1 = (y0 + 1) & mask
        let a = texture[y0 * size + x0], b = texture[y0 * size + x1]
        let c = texture[y1 * size + x0], d = texture[y1 * size + x1]
        let top = a + (b - a) * tu
        return top + ((c + (d - c) * tu) - top) * tv
    }

    /// Two lookups at different scales (adds detail the texture period would lack).
    @inline(__always) func fbm(_ u: Float, _ v: Float) -> Float {
        0.7 * sample(u, v) + 0.3 * sample(u * 3.7 + 91, v * 3.7 + 37)
    }
}

/// A value in -1...1 from a hash of (x, y, salt): per-pixel grain.
@inline(__always) func hashNoise(_ x: Int, _ y: Int, _ salt: UInt32) -> Float {
    var h = UInt32(truncatingIfNeeded: x) &* 0x8DA6_B343 ^ UInt32(truncatingIfNeeded: y) &* 0xD816_3841 ^ salt &* 0xCB1A_B31F
    h ^= h >> 15; h = h &* 0x2C1B_3C6D
    h ^= h >> 12; h = h &* 0x297A_2D39
    h ^= h >> 15
    return Float(h >> 8) * (2.0 / 16_777_216.0) - 1
}

/// A ridge line of `count` samples in 0...1 (min 0, max 1) by midpoint displacement;
/// `roughness` 0.4 (smooth) ... 0.7 (jagged) is the factor the displacement shrinks by per level.
func midpointRidge(count: Int, roughness: Double, rng: inout SeededRandom) -> [Float] {
    let levels = 9, n = (1 << levels) + 1  // 513 points
    var h = [Double](repeating: 0, count: n)
    h[0] = rng.unit()
    h[n - 1] = rng.unit()
    var step = n - 1
    var scale = 1.0
    while step > 1 {
        let half = step / 2
        for i in stride(from: half, to: n, by: step) {
            h[i] = (h[i - half] + h[i + half]) / 2 + (rng.unit() * 2 - 1) * scale
        }
        scale *= roughness
        step = half
    }
    let lo = h.min() ?? 0, hi = h.max() ?? 1
    let span = max(hi - lo, 1e-9)
    return (0..<count).map { x in
        let pos = Double(x) / Double(max(count - 1, 1)) * Double(n - 1)
        let i = min(Int(pos), n - 2), t = pos - Double(i)
        return Float(((h[i] * (1 - t) + h[i + 1] * t) - lo) / span)
    }
}
