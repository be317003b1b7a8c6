import SweepData
import Foundation

/// Land rising above the horizon: mountain ranges (midpoint-displacement ridges with rock
/// texture, slope shading, snow and aerial haze) and, as a distractor, low rolling hills.
enum SceneTerrain {
    /// Rock colours: grey, blue-grey, brown, dark green (forested slopes), pale limestone, arid tan.
    static let rockPalette: [RGB] = [
        RGB(0.42, 0.40, 0.42), RGB(0.36, 0.38, 0.45), RGB(0.47, 0.39, 0.30),
        RGB(0.26, 0.32, 0.26), RGB(0.58, 0.54, 0.50), RGB(0.66, 0.52, 0.38),
    ]

    /// One to three ranges, far (tall, hazy) to near (darker).
    static func drawMountains(_ canvas: SceneCanvas, _ plan: ScenePlan, rng: inout SeededRandom, noise: NoiseTexture) {
        let ranges = rng.pick([1, 2, 2, 3])
        let h = Float(canvas.height)
        let room = plan.horizon  // pixels above the horizon
        for j in 0..<ranges {
            let near = ranges == 1 ? Float(0.5) : Float(j) / Float(ranges - 1)
            let peak = min(room * 0.92, h * rng.uniformF(0.2, 0.5) * (1 - 0.35 * near))
            let haze = rng.uniformF(0.45, 0.75) * (1 - near) + rng.uniformF(0.08, 0.25) * near
            let snow = rng.chance(plan.sunset ? 0.4 : 0.6) && near < 0.9
            drawRange(canvas, plan, peak: peak, haze: haze, snow: snow, rng: &rng, noise: noise)
        }
    }

    /// One range: ridge line, then rock (and snow) down to the horizon.
    static func drawRange(_ canvas: SceneCanvas, _ plan: ScenePlan, peak: Float, haze: Float, snow: Bool,
                          rng: inout SeededRandom, noise: NoiseTexture) {
        let w = canvas.width
        let ridge = midpointRidge(count: w + 2, roughness: rng.uniform(0.5, 0.68), rng: &rng)
        // A broad envelope gives the range one or two dominant summits.
        let summit = Float(w) * rng.uniformF(-0.1, 1.1), spread = Float(w) * rng.uniformF(0.25, 0.9)
        let floor = rng.uniformF(0.15, 0.45)
        var top = [Float](repeating: 0, count: w + 2)
        for x in 0..<(w + 2) {
            let d = (Float(x) - summit) / spread
            let envelope = floor + (1 - floor) * exp(-d * d)
            top[x] = plan.horizon - peak * envelope * (0.35 + 0.65 * ridge[x])
        }
        // Slope of the ridge, smoothed over +/- 6 columns (> 0: facing the light).
        var facing = [Float](repeating: 0, count: w)
        for x in 0..<w {
            let l = max(0, x - 6), r = min(w + 1, x + 8)
            facing[x] = tanh((top[r] - top[l]) / Float(r - l) * plan.lightSide * 1.5)
        }
        let rock = rng.jitter(rng.pick(rockPalette), 0.05)
        let foot = rng.jitter(RGB(0.32, 0.36, 0.26), 0.06)  // vegetated foothills
        let snowColour = plan.sunset ? mix(RGB(0.95, 0.95, 1), plan.sunColour, 0.55) : RGB(0.93, 0.95, 0.99)
        let snowDepth = rng.uniformF(0.15, 0.55)
        let scale = rng.uniformF(0.035, 0.08), contrast = rng.uniformF(0.9, 1.6)
        let (u0, v0) = (plan.noiseU + rng.uniformF(0, 256), plan.noiseV + rng.uniformF(0, 256))
        let salt = UInt32(truncatingIfNeeded: rng.next())
        let bottom = min(canvas.height, Int(plan.horizon.rounded(.up)) + 1)
        for x in 0..<w {
            let t = top[x + 1]
            let height = max(plan.horizon - t, 1)
            let start = max(0, Int(t))
            guard start < bottom else { continue }
            for y in start..<bottom {
                let fy = Float(y), fx = Float(x)
                let edge = clamp01(fy + 0.5 - t) * clamp01(plan.horizon + 1 - fy)
                if edge <= 0 { continue }
                let depth = (fy - t) / height  // 0 at the ridge, 1 at the horizon
                // Gullies and spurs: the sideways gradient of a noise field stretched downhill.
                let u = fx * scale + u0, v = fy * scale * 0.55 + v0
                let n = noise.fbm(u, v)
                let gradient = (noise.sample(u + 0.6, v) - noise.sample(u - 0.6, v)) * plan.lightSide
                let lit = gradient * 2.2 * contrast + facing[x] * 0.5 * exp(-depth * 2.5)
                var c = mix(rock, foot, smoothstep(0.5, 1.0, depth + 0.3 * n))
                let grain: Float = 0.08 * noise.detail(fx * 0.5 + v0, fy * 0.5 + u0) + 0.04 * hashNoise(x, y, salt)
                c *= 0.82 + 0.3 * lit + 0.18 * n + grain
                if snow {
                    let cap = snowDepth * (1 + 1.2 * n + 0.8 * lit)
                    if depth < cap {
                        let white = snowColour * (0.88 + 0.22 * lit)
                        c = mix(c, white, smoothstep(cap, cap * 0.7, depth))
                    }
                }
                c = c * plan.light
                c = mix(c, plan.haze, haze)
                canvas.blend(x, y, c, edge)
            }
        }
    }

    /// Low, smooth hills on the horizon (no snow, little relief): land that is not a mountain.
    static func drawHills(_ canvas: SceneCanvas, _ plan: ScenePlan, rng: inout SeededRandom, noise: NoiseTexture) {
        let w = canvas.width
        let ridge = midpointRidge(count: w, roughness: rng.uniform(0.3, 0.42), rng: &rng)
        let height = Float(canvas.height) * rng.uniformF(0.025, 0.09)
        let colour = rng.jitter(rng.pick([RGB(0.35, 0.45, 0.28), RGB(0.50, 0.48, 0.36), RGB(0.30, 0.38, 0.30)]), 0.05)
        let haze = rng.uniformF(0.3, 0.6)
        let bottom = min(canvas.height, Int(plan.horizon.rounded(.up)) + 1)
        for x in 0..<w {
            let t = plan.horizon - height * (0.3 + 0.7 * ridge[x])
            let start = max(0, Int(t))
            guard start < bottom else { continue }
            for y in start..<bottom {
                let fy = Float(y)
                let edge = clamp01(fy + 0.5 - t) * clamp01(plan.horizon + 1 - fy)
                let n = noise.sample(Float(x) * 0.1 + plan.noiseU, fy * 0.1 + plan.noiseV)
                let c = mix(colour * (0.9 + 0.2 * n) * plan.light, plan.haze, haze)
                canvas.blend(x, y, c, edge)
            }
        }
    }
}
