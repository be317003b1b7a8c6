import SweepData
import Foundation

/// The sky: a vertical gradient (three stops at sunset), a sun with its glow, and clouds.
enum SceneSky {
    /// Day skies (zenith, horizon): clear, deep, pale haze, overcast, warm haze, cool evening.
    static let dayPalettes: [(RGB, RGB)] = [
        (RGB(0.20, 0.40, 0.75), RGB(0.65, 0.78, 0.90)),
        (RGB(0.10, 0.25, 0.62), RGB(0.50, 0.68, 0.88)),
        (RGB(0.55, 0.65, 0.78), RGB(0.85, 0.87, 0.88)),
        (RGB(0.55, 0.57, 0.60), RGB(0.76, 0.77, 0.78)),
        (RGB(0.42, 0.56, 0.75), RGB(0.90, 0.84, 0.74)),
        (RGB(0.16, 0.22, 0.42), RGB(0.50, 0.55, 0.68)),
    ]
    /// Golden-afternoon skies (zenith, horizon): warm at the horizon, no low sun.
    static let goldenPalettes: [(RGB, RGB)] = [
        (RGB(0.40, 0.52, 0.72), RGB(0.96, 0.80, 0.56)),
        (RGB(0.50, 0.55, 0.65), RGB(0.92, 0.74, 0.52)),
        (RGB(0.30, 0.45, 0.70), RGB(0.98, 0.86, 0.66)),
        (RGB(0.45, 0.48, 0.62), RGB(0.95, 0.74, 0.64)),
        (RGB(0.55, 0.50, 0.55), RGB(0.98, 0.70, 0.50)),
    ]
    /// Dusk and storm skies (zenith, horizon): dark, cool.
    static let duskPalettes: [(RGB, RGB)] = [
        (RGB(0.12, 0.16, 0.32), RGB(0.45, 0.46, 0.56)),
        (RGB(0.20, 0.22, 0.28), RGB(0.42, 0.44, 0.48)),
        (RGB(0.18, 0.16, 0.30), RGB(0.55, 0.48, 0.58)),
    ]
    /// Sunset skies (zenith, middle, horizon).
    static let sunsetPalettes: [(RGB, RGB, RGB)] = [
        (RGB(0.20, 0.15, 0.35), RGB(0.85, 0.45, 0.35), RGB(1.00, 0.68, 0.28)),
        (RGB(0.30, 0.22, 0.42), RGB(0.92, 0.52, 0.40), RGB(0.98, 0.78, 0.45)),
        (RGB(0.12, 0.22, 0.48), RGB(0.70, 0.45, 0.50), RGB(1.00, 0.55, 0.22)),
        (RGB(0.38, 0.28, 0.30), RGB(0.88, 0.42, 0.22), RGB(0.95, 0.62, 0.20)),
        (RGB(0.25, 0.30, 0.50), RGB(0.80, 0.60, 0.55), RGB(1.00, 0.82, 0.55)),
        (RGB(0.35, 0.42, 0.60), RGB(0.72, 0.64, 0.62), RGB(0.95, 0.80, 0.55)),
        (RGB(0.45, 0.50, 0.62), RGB(0.80, 0.70, 0.60), RGB(0.96, 0.86, 0.68)),
    ]

    /// Fills the canvas with sky (everything below the horizon gets the horizon colour, to be
    /// covered by land or sea) and sets `plan.haze`.
    static func draw(_ canvas: SceneCanvas, _ plan: inout ScenePlan, rng: inout SeededRandom, noise: NoiseTexture) {
        let w = canvas.width, h = canvas.height
        let horizon = max(plan.horizon, 1)
        let gamma = rng.uniformF(0.45, 1.1)
        var zenith: RGB, middle: RGB, low: RGB
        if plan.sunset {
            (zenith, middle, low) = rng.pick(sunsetPalettes)
            zenith = rng.jitter(zenith, 0.05); middle = rng.jitter(middle, 0.06); low = rng.jitter(low, 0.05)
        } else {
            switch plan.mood {
            case .golden: (zenith, low) = rng.pick(goldenPalettes)
            case .dusk: (zenith, low) = rng.pick(duskPalettes)
            default: (zenith, low) = rng.pick(dayPalettes)
            }
            zenith = rng.jitter(zenith, 0.05); low = rng.jitter(low, 0.04)
            middle = mix(low, zenith, 0.5)
        }
        plan.haze = low
        // Clouds: coverage, scale, and colours of lit and shaded parts.
        let coverage = rng.chance(0.25) ? Float(0) : rng.uniformF(0.1, 0.85)
        let cloudScale = rng.uniformF(0.25, 0.7) * 256 / Float(w)
        let cloudLit: RGB = plan.sunset ? mix(plan.sunColour, RGB(1, 0.6, 0.6), rng.uniformF(0, 0.6)) : RGB(0.97, 0.97, 0.98)
        let cloudShade: RGB = plan.sunset ? rng.jitter(RGB(0.38, 0.26, 0.36), 0.06) : rng.jitter(RGB(0.62, 0.64, 0.68), 0.05)
        let threshold = 0.55 - coverage * 0.9
        let glowStrength: Float = plan.sunset ? rng.uniformF(0.35, 0.8) : 0.25
        let glowFalloff = Float(w) * rng.uniformF(0.12, 0.3)
        let (u0, v0) = (plan.noiseU, plan.noiseV)

        for y in 0..<h {
            let s = clamp01((horizon - Float(y)) / horizon)  // 1 at the top, 0 at the horizon
            let g = pow(s, gamma)
            let base = plan.sunset ? (g < 0.5 ? mix(low, middle, g * 2) : mix(middle, zenith, g * 2 - 1)) : mix(low, zenith, g)
            // Clouds flatten towards the horizon (perspective).
            let cv = Float(y) * cloudScale * 2.2 / (0.2 + s) * 0.35
            for x in 0..<w {
                var c = base
                if plan.sunRadius > 0 {
                    let dx = Float(x) - plan.sunX, dy = Float(y) - plan.sunY
                    let d = (dx * dx + dy * dy).squareRoot()
                    c += plan.sunColour * (glowStrength * exp(-d / glowFalloff))
                    let disc = plan.sunDisc ? clamp01(plan.sunRadius - d + 0.5) : 0
                    if disc > 0 { c = mix(c, mix(plan.sunColour, RGB(1, 1, 0.92), 0.5), disc) }
                }
                if coverage > 0, Float(y) < horizon {
                    let q = noise.fbm(Float(x) * cloudScale + u0, cv + v0)
                    let a = smoothstep(threshold, threshold + 0.35, q) * (0.35 + 0.65 * s)
                    if a > 0 {
                        let relief = clamp01((q - threshold) * 2)
                        c = mix(c, mix(cloudShade, cloudLit, relief), a * 0.92)
                    }
                }
                canvas.set(x, y, c)
            }
        }
    }
}
