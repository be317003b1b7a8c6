import SweepData
import Foundation

/// The sea: a water plane seen in perspective, its colour going from the hazy horizon to deep
/// water near the viewer, wave texture that shrinks with distance, foam on crests, and sun
/// glitter (a warm path under a low sun; scattered sparkles by day).
enum SceneWater {
    /// Deep-water colours: navy, teal, slate, bright blue, dark.
    static let deepPalette: [RGB] = [
        RGB(0.05, 0.22, 0.42), RGB(0.07, 0.34, 0.46), RGB(0.12, 0.28, 0.36),
        RGB(0.13, 0.38, 0.58), RGB(0.04, 0.16, 0.30),
    ]

    /// Water from row `top` (the horizon, or a far shore below it) down to `shore[x]` (one row per
    /// column, (W); the image bottom when nil).
    static func draw(_ canvas: SceneCanvas, _ plan: ScenePlan, top: Float, shore: [Float]?,
                     rng: inout SeededRandom, noise: NoiseTexture) {
        let w = canvas.width, h = canvas.height
        var deep = rng.jitter(rng.pick(deepPalette), 0.04)
        var far = mix(plan.haze, deep, rng.uniformF(0.15, 0.45))
        if plan.sunset {
            deep = deep * rng.uniformF(0.35, 0.7) + RGB(0.06, 0.02, 0.02)
            far = mix(plan.haze, deep, rng.uniformF(0.1, 0.35))
        } else {
            deep = deep * plan.light
        }
        let waveScale = rng.uniformF(0.5, 1.4), stretch = rng.uniformF(2.5, 5)
        let choppiness = rng.uniformF(0.12, 0.35), foam = rng.uniformF(0, 0.5)
        let sparkle = plan.sunset ? Float(0) : rng.uniformF(0, 0.6)
        let glitterWidth = rng.uniformF(1.5, 3.5)
        let (u0, v0) = (plan.noiseU + 17, plan.noiseV + 53)
        let salt = UInt32(truncatingIfNeeded: rng.next())
        let start = max(0, Int(top))
        guard start < h else { return }
        for y in start..<h {
            let t = plan.groundT(y)
            let distance = 1 / (t + 0.035)  // world depth of this row
            let fade = min(1, t * 5)  // waves blur out near the horizon
            let base = mix(far, deep, pow(t, 0.55))
            let v = distance * 6 * waveScale
            let edgeTop = clamp01(Float(y) + 1 - top)
            for x in 0..<w {
                if let shore, Float(y) >= shore[x] + 1 { continue }
                let cover = edgeTop * (shore.map { clamp01($0[x] + 0.5 - Float(y)) } ?? 1)
                if cover <= 0 { continue }
                let worldX = (Float(x) - Float(w) * 0.5) / Float(w) * distance * 22 * waveScale
                let wave = noise.fbm(worldX + u0, v * stretch + v0)
                var c = base * (1 + choppiness * fade * wave)
                let crest = smoothstep(0.35, 0.75, wave) * fade
                c = mix(c, RGB(0.9, 0.93, 0.95) * plan.light, crest * foam)
                if plan.sunset {
                    let spread = plan.sunRadius * (glitterWidth + t * 10)
                    let dx = abs(Float(x) - plan.sunX)
                    if dx < spread {
                        let g = (1 - dx / spread) * smoothstep(-0.1, 0.5, wave + 0.35 * hashNoise(x, y, salt))
                        c += plan.sunColour * (g * 0.9)
                    }
                } else if sparkle > 0, wave > 0.45 {
                    let s = hashNoise(x, y, salt)
                    if s > 0.9 { c += RGB(1, 1, 1) * (sparkle * (s - 0.9) * 8 * fade) }
                }
                if let shore {  // surf at the waterline
                    let d = shore[x] - Float(y)
                    if d < 4 { c = mix(c, RGB(0.92, 0.94, 0.95) * plan.light, clamp01(1 - d / 4) * 0.7) }
                }
                canvas.blend(x, y, c, cover)
            }
        }
    }
}
