import SweepData
import Foundation

/// Land below the horizon, each filling from `top[x]` (one row per column, (W)) to the image
/// bottom: sand dunes (crests with a lit and a shadowed face, wind ripples, perspective), a flat
/// beach, or a meadow.
enum SceneLand {
    /// Sand colours: tan, orange, pale grey-beige, light gold, red-brown, white gypsum.
    static let sandPalette: [RGB] = [
        RGB(0.86, 0.70, 0.48), RGB(0.90, 0.60, 0.34), RGB(0.80, 0.66, 0.52),
        RGB(0.93, 0.80, 0.60), RGB(0.74, 0.50, 0.32), RGB(0.88, 0.86, 0.80),
    ]
    /// Grass and field colours: green, light green, dry yellow, dark, brown field, and the sandy
    /// colours of steppe and bare earth (which are not deserts).
    static let grassPalette: [RGB] = [
        RGB(0.33, 0.48, 0.20), RGB(0.45, 0.56, 0.26), RGB(0.62, 0.58, 0.32),
        RGB(0.24, 0.34, 0.16), RGB(0.50, 0.42, 0.28), RGB(0.74, 0.64, 0.44),
        RGB(0.66, 0.52, 0.36),
    ]

    /// A land boundary, (width): `base` plus a wavy, noisy offset of up to `amplitude` pixels (upwards).
    static func boundary(width: Int, base: Float, amplitude: Float, rng: inout SeededRandom) -> [Float] {
        let ridge = midpointRidge(count: width, roughness: rng.uniform(0.35, 0.5), rng: &rng)
        let k = rng.uniformF(0.3, 1.5) * 2 * Float.pi / Float(width), phase = rng.uniformF(0, 6.3)
        return (0..<width).map { x in
            base - amplitude * (0.6 * ridge[x] + 0.2 * (1 + sin(Float(x) * k + phase)))
        }
    }

    /// Sand dunes from `top` down: rows of dunes from far to near, each with a sharp crest line,
    /// a lit face and a shadowed slip face, and wind ripples running parallel to the crest.
    /// `flat` gives a flat desert with low relief and scattered scrub instead.
    static func drawDunes(_ canvas: SceneCanvas, _ plan: ScenePlan, top: [Float], flat: Bool,
                          rng: inout SeededRandom, noise: NoiseTexture) {
        let sand = rng.jitter(rng.pick(sandPalette), 0.04)
        let salt = UInt32(truncatingIfNeeded: rng.next())
        if flat {
            let scrub = rng.uniformF(0.96, 0.995), scale = rng.uniformF(2, 6)
            fill(canvas, plan, top: top) { x, y, _, worldX, worldZ in
                var c = sand * (0.93 + 0.12 * noise.fbm(worldX * scale + plan.noiseU, worldZ * scale + plan.noiseV))
                c *= 1 + 0.05 * hashNoise(x, y, salt)
                if hashNoise(x, y, salt ^ 0x55) > scrub { c = c * 0.45 }
                return c
            }
            return
        }
        let w = canvas.width, h = Float(canvas.height)
        let rows = rng.int(2...5)
        let shadow = rng.uniformF(0.55, 0.78), rippleStrength = rng.uniformF(0.02, 0.07)
        var base = top
        for row in 0..<rows {
            let near = Float(row + 1) / Float(rows)
            // The crest: a smooth ridge above a baseline that steps towards the viewer row by row.
            let drop = row == 0 ? 0 : (h - plan.horizon) / Float(rows) * rng.uniformF(0.5, 0.9)
            let amplitude = (h - plan.horizon) * rng.uniformF(0.06, 0.22) * (0.4 + near)
            let ridge = midpointRidge(count: w, roughness: rng.uniform(0.38, 0.5), rng: &rng)
            base = base.map { $0 + drop }
            let crest = (0..<w).map { base[$0] - amplitude * ridge[$0] }
            let tone = rng.jitter(sand, 0.03)
            let rippleFrequency = rng.uniformF(0.35, 0.8) / (0.3 + near)
            // Inner crest lines: a sawtooth (long lit stoss slope, short dark lee face) running
            // obliquely across the row, bent by noise.
            // Lines of equal phase slope by -across/slant: kept within about 20-50 degrees of horizontal.
            let across = rng.uniformF(1.2, 3.5) / Float(w)
            let slant = across * rng.uniformF(1.2, 2.8) * (rng.chance(0.5) ? 1 : -1)
            let bendScale = rng.uniformF(0.4, 0.9), lee = rng.uniformF(0.72, 0.85)
            fill(canvas, plan, top: crest) { x, y, _, _, _ in
                let below = Float(y) - crest[x]
                let bend = noise.sample(Float(x) * 0.02 * bendScale + plan.noiseU, Float(y) * 0.03 + plan.noiseV)
                let phase = Float(x) * across + below * slant + bend * 1.2
                let saw = phase - phase.rounded(.down)
                let inner: Float = saw < lee ? 0.96 + 0.1 * saw / lee
                    : shadow + (1 - shadow) * 0.35 * (saw - lee) / (1 - lee)
                let lit = inner + 0.06 * exp(-below / 6)  // a bright rim along the skyline crest
                let ripple = sin(below * rippleFrequency * 6.3 + bend * 6) * rippleStrength * smoothstep(4, 30, below)
                return tone * (lit + ripple + 0.04 * hashNoise(x, y, salt))
            }
        }
    }

    /// A flat, pale beach with darker wet sand near the water (at `top`).
    static func drawBeach(_ canvas: SceneCanvas, _ plan: ScenePlan, top: [Float], rng: inout SeededRandom, noise: NoiseTexture) {
        let sand = rng.jitter(rng.pick([RGB(0.88, 0.82, 0.70), RGB(0.80, 0.74, 0.62), RGB(0.92, 0.86, 0.74)]), 0.04)
        let wet = rng.uniformF(4, 18)
        fill(canvas, plan, top: top) { x, y, _, worldX, worldZ in
            var c = sand * (0.95 + 0.08 * noise.fbm(worldX * 4 + plan.noiseU, worldZ * 4 + plan.noiseV)
                + 0.04 * hashNoise(x, y, 0x9E37))
            let d = Float(y) - top[x]
            if d < wet { c = c * (0.72 + 0.28 * d / wet) }
            return c
        }
    }

    /// Grass or a field, textured in perspective.
    static func drawMeadow(_ canvas: SceneCanvas, _ plan: ScenePlan, top: [Float], rng: inout SeededRandom, noise: NoiseTexture) {
        let grass = rng.jitter(rng.pick(grassPalette), 0.05)
        let patch = rng.jitter(rng.pick(grassPalette), 0.05)
        let scale = rng.uniformF(1.5, 5), blades = rng.uniformF(0.08, 0.2)
        let salt = UInt32(truncatingIfNeeded: rng.next())
        fill(canvas, plan, top: top) { x, y, t, worldX, worldZ in
            let n = noise.fbm(worldX * scale + plan.noiseU, worldZ * scale + plan.noiseV)
            var c = mix(grass, patch, smoothstep(-0.2, 0.4, n))
            // Blades: vertical streaks, longer and stronger near the viewer, and grain.
            let streak = noise.detail(Float(x) * 0.9 + 40, Float(y) * 0.9 * (0.15 + 0.5 * (1 - t)) + 90)
            c *= 0.9 + blades * (0.3 + t) * streak + 0.07 * hashNoise(x, y, salt)
            return c
        }
    }

    /// Calls `colour(x, y, t, worldX, worldZ)` for every pixel below `top[x]` and draws the result
    /// lit by `plan.light`, hazed towards the horizon; t is `plan.groundT(y)`, (worldX, worldZ) the
    /// point on a ground plane seen in perspective (units of about one texture period).
    static func fill(_ canvas: SceneCanvas, _ plan: ScenePlan, top: [Float],
                     colour: (Int, Int, Float, Float, Float) -> RGB) {
        let w = canvas.width, h = canvas.height
        let first = max(0, Int(top.min() ?? Float(h)))
        guard first < h else { return }
        for y in first..<h {
            let t = plan.groundT(y)
            let distance = 1 / (t + 0.04)
            let haze = 1 - smoothstep(0, 0.35, t)
            let worldZ = distance * 0.5
            for x in 0..<w {
                let cover = clamp01(Float(y) + 0.5 - top[x])
                if cover <= 0 { continue }
                let worldX = (Float(x) - Float(w) * 0.5) / Float(w) * distance * 0.9
                let c = colour(x, y, t, worldX, worldZ) * plan.light
                canvas.blend(x, y, mix(c, plan.haze, haze * 0.55), cover)
            }
        }
    }
}
