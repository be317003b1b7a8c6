import SweepData
import SweepTensor

/// A linear RGB colour, components nominally in 0...1.
typealias RGB = SIMD3<Float>

/// The float image a scene is drawn into: (H, W, 3) row-major, values nominally 0...1.
final class SceneCanvas {
    /// Width W and height H in pixels.
    let width: Int, height: Int
    /// The pixels, (H, W, 3).
    let buffer: FloatBuffer

    /// A black canvas.
    init(width: Int, height: Int) {
        self.width = width
        self.height = height
        buffer = FloatBuffer(count: width * height * 3)
    }

    /// Start of the pixels, (H, W, 3).
    var pixels: UnsafeMutablePointer<Float> { buffer.pointer }

    /// The colour at (x, y).
    @inline(__always) func get(_ x: Int, _ y: Int) -> RGB {
        let p = pixels + (y * width + x) * 3
        return RGB(p[0], p[1], p[2])
    }

    /// Sets (x, y) to `c`.
    @inline(__always) func set(_ x: Int, _ y: Int, _ c: RGB) {
        let p = pixels + (y * width + x) * 3
        p[0] = c.x; p[1] = c.y; p[2] = c.z
    }

    /// Mixes `c` over (x, y) with coverage `alpha` in 0...1.
    @inline(__always) func blend(_ x: Int, _ y: Int, _ c: RGB, _ alpha: Float) {
        if alpha >= 1 { set(x, y, c); return }
        if alpha <= 0 { return }
        let p = pixels + (y * width + x) * 3
        p[0] += (c.x - p[0]) * alpha
        p[1] += (c.y - p[1]) * alpha
        p[2] += (c.z - p[2]) * alpha
    }

    /// 8-bit RGB (H, W, 3) of the canvas, clamped, with gamma 1 (colours are picked in sRGB).
    func bytes() -> [UInt8] {
        let n = width * height * 3
        return [UInt8](unsafeUninitializedCapacity: n) { out, count in
            for i in 0..<n {
                let v = pixels[i] * 255 + 0.5
                out[i] = v <= 0 ? 0 : (v >= 255 ? 255 : UInt8(v))
            }
            count = n
        }
    }
}

/// Colour helpers.
@inline(__always) func mix(_ a: RGB, _ b: RGB, _ t: Float) -> RGB { a + (b - a) * t }
@inline(__always) func clamp01(_ x: Float) -> Float { x < 0 ? 0 : (x > 1 ? 1 : x) }
@inline(__always) func smoothstep(_ e0: Float, _ e1: Float, _ x: Float) -> Float {
    let t = clamp01((x - e0) / (e1 - e0))
    return t * t * (3 - 2 * t)
}

extension SeededRandom {
    /// A colour jittered around `c` by up to +/- `amount` per channel.
    mutating func jitter(_ c: RGB, _ amount: Float) -> RGB {
        RGB(c.x + uniformF(-amount, amount), c.y + uniformF(-amount, amount), c.z + uniformF(-amount, amount))
    }

    /// One of `choices`, uniformly.
    mutating func pick<T>(_ choices: [T]) -> T { choices[below(choices.count)] }
}
