import SweepData
import Foundation

/// Trees: broadleaf crowns (clusters of noisy discs shaded from the light side, with leaf
/// texture and gaps) on trunks, and conifers (jagged cones); placed as a distant tree line,
/// big trees framing the foreground, or scattered trees at perspective-correct sizes.
enum SceneTrees {
    /// Foliage colours: greens from dark to yellowish, olive, and an autumn orange.
    static let foliagePalette: [RGB] = [
        RGB(0.16, 0.32, 0.12), RGB(0.25, 0.42, 0.15), RGB(0.38, 0.50, 0.18),
        RGB(0.30, 0.36, 0.18), RGB(0.12, 0.24, 0.14), RGB(0.62, 0.40, 0.12),
    ]

    /// Draws the trees of a scene; `ground` is the row trees stand on far away (the horizon or a
    /// shoreline).
    static func draw(_ canvas: SceneCanvas, _ plan: ScenePlan, ground: Float, rng: inout SeededRandom, noise: NoiseTexture) {
        let h = Float(canvas.height), w = Float(canvas.width)
        let foliage = rng.jitter(rng.pick(foliagePalette), 0.04)
        let conifers = rng.uniform(0, 1)
        let layout = rng.below(4)
        if layout == 0 || layout == 3 {  // a tree line in the distance
            let count = rng.int(12...45)
            let size = h * rng.uniformF(0.05, 0.12)
            for _ in 0..<count {
                let s = size * rng.uniformF(0.6, 1.4)
                tree(canvas, plan, x: rng.uniformF(-0.05, 1.05) * w, base: ground + rng.uniformF(0, 0.02) * h, height: s,
                     conifer: rng.unit() < conifers, foliage: rng.jitter(foliage, 0.03), haze: 0.35, rng: &rng, noise: noise)
            }
        }
        if layout == 1 || layout == 3 {  // one to three big trees framing the view
            for _ in 0..<rng.int(1...3) {
                let side: Float = rng.chance(0.5) ? rng.uniformF(-0.12, 0.3) : rng.uniformF(0.7, 1.12)
                let x = rng.chance(0.2) ? rng.uniformF(0.3, 0.7) : side
                tree(canvas, plan, x: x * w, base: h * rng.uniformF(0.92, 1.15), height: h * rng.uniformF(0.55, 1.0),
                     conifer: rng.unit() < conifers * 0.6, foliage: rng.jitter(foliage, 0.04), haze: 0, rng: &rng, noise: noise)
            }
        }
        if layout == 2 {  // scattered trees, larger when nearer
            let count = rng.int(3...10)
            for _ in 0..<count {
                let t = rng.uniformF(0.05, 0.9)
                let base = ground + (h - ground) * t
                tree(canvas, plan, x: rng.uniformF(-0.05, 1.05) * w, base: base, height: h * (0.08 + 0.45 * t) * rng.uniformF(0.7, 1.2),
                     conifer: rng.unit() < conifers, foliage: rng.jitter(foliage, 0.04), haze: 0.3 * (1 - t), rng: &rng, noise: noise)
            }
        }
    }

    /// One tree standing at (x, base), `height` tall.
    static func tree(_ canvas: SceneCanvas, _ plan: ScenePlan, x: Float, base: Float, height: Float, conifer: Bool,
                     foliage: RGB, haze: Float, rng: inout SeededRandom, noise: NoiseTexture) {
        let bark = rng.jitter(RGB(0.30, 0.22, 0.15), 0.05)
        let trunkWidth = height * rng.uniformF(0.03, 0.06)
        let crownBottom = base - height * (conifer ? rng.uniformF(0.06, 0.15) : rng.uniformF(0.25, 0.45))
        // Trunk: a slightly tapered bar with bark streaks.
        let trunkTop = conifer ? crownBottom : base - height * 0.7
        let (u0, v0) = (rng.uniformF(0, 256), rng.uniformF(0, 256))
        let ty0 = max(0, Int(trunkTop)), ty1 = min(canvas.height, Int(base) + 1)
        for y in ty0..<max(ty0, ty1) {
            let taper = 1 - 0.3 * (base - Float(y)) / max(base - trunkTop, 1)
            let half = trunkWidth * 0.5 * taper
            let tx0 = max(0, Int(x - half - 1)), tx1 = min(canvas.width, Int(x + half + 2))
            for px in tx0..<max(tx0, tx1) {
                let cover = clamp01(half + 0.5 - abs(Float(px) - x))
                let streak = noise.sample(Float(px) * 0.9 + u0, Float(y) * 0.08 + v0)
                let side = (Float(px) - x) / max(half, 1) * plan.lightSide
                let c = bark * (0.85 + 0.3 * streak + 0.2 * side) * plan.light
                canvas.blend(px, y, mix(c, plan.haze, haze), cover)
            }
        }
        if conifer {
            cone(canvas, plan, x: x, bottom: crownBottom, height: height * 0.92,
                 width: height * rng.uniformF(0.3, 0.5), foliage: foliage, haze: haze, rng: &rng, noise: noise)
        } else {
            let radius = height * rng.uniformF(0.22, 0.36)
            crown(canvas, plan, x: x, y: crownBottom - radius * 0.8, radius: radius, foliage: foliage, haze: haze, rng: &rng, noise: noise)
        }
    }

    /// A broadleaf crown: 4-9 discs with noisy edges, lit from `plan.lightSide`, leaf texture.
    static func crown(_ canvas: SceneCanvas, _ plan: ScenePlan, x cx: Float, y cy: Float, radius: Float, foliage: RGB,
                      haze: Float, rng: inout SeededRandom, noise: NoiseTexture) {
        let blobs = (0..<rng.int(4...9)).map { _ in
            (cx + rng.uniformF(-0.6, 0.6) * radius, cy + rng.uniformF(-0.5, 0.45) * radius, radius * rng.uniformF(0.45, 0.75))
        }
        let clump = rng.uniformF(0.3, 0.7) * 24 / max(radius, 4), gaps = rng.uniformF(-0.8, -0.5)
        let fine = rng.uniformF(0.35, 0.7)  // leaf clumps of 6-12 px
        let (u0, v0) = (rng.uniformF(0, 256), rng.uniformF(0, 256))
        let salt = UInt32(truncatingIfNeeded: rng.next())
        let x0 = max(0, Int(cx - 1.5 * radius)), x1 = min(canvas.width, Int(cx + 1.5 * radius) + 1)
        let y0 = max(0, Int(cy - 1.3 * radius)), y1 = min(canvas.height, Int(cy + 1.3 * radius) + 1)
        guard x0 < x1, y0 < y1 else { return }
        for y in y0..<y1 {
            for x in x0..<x1 {
                let fx = Float(x), fy = Float(y)
                // Clumps of leaves (a few per crown) and single leaves (a few pixels).
                let n = noise.fbm(fx * clump + u0, fy * clump + v0)
                let leaves = noise.detail(fx * fine + v0, fy * fine + u0)
                var cover: Float = 0
                for (bx, by, r) in blobs {
                    let d = ((fx - bx) * (fx - bx) + (fy - by) * (fy - by)).squareRoot()
                    cover = max(cover, clamp01(r * (1 + 0.3 * n + 0.12 * leaves) - d + 0.5))
                }
                if cover <= 0 { continue }
                let lx = (fx - cx) / radius * plan.lightSide, ly = (fy - cy) / radius
                let twigs = noise.detail(fx * 1.4 + u0, fy * 1.4 + v0)
                var shade = 0.95 + 0.3 * lx - 0.25 * ly + 0.2 * n + 0.45 * leaves + 0.2 * twigs + 0.06 * hashNoise(x, y, salt)
                if leaves + 0.4 * twigs < gaps { shade *= 0.45 }
                let c = foliage * max(shade, 0.15) * plan.light
                canvas.blend(x, y, mix(c, plan.haze, haze), cover)
            }
        }
    }

    /// A conifer: a cone whose edge is jagged by tiers of branches.
    static func cone(_ canvas: SceneCanvas, _ plan: ScenePlan, x cx: Float, bottom: Float, height: Float, width: Float,
                     foliage: RGB, haze: Float, rng: inout SeededRandom, noise: NoiseTexture) {
        let top = bottom - height
        let tiers = rng.uniformF(4, 9)
        let dark = foliage * 0.8
        let (u0, v0) = (rng.uniformF(0, 256), rng.uniformF(0, 256))
        let y0 = max(0, Int(top)), y1 = min(canvas.height, Int(bottom) + 1)
        guard y0 < y1 else { return }
        for y in y0..<y1 {
            let along = (Float(y) - top) / max(height, 1)  // 0 at the tip
            let tier = along * tiers - (along * tiers).rounded(.down)
            let half = width * 0.5 * along * (0.7 + 0.3 * tier)
            let x0 = max(0, Int(cx - half - 1)), x1 = min(canvas.width, Int(cx + half + 2))
            guard x0 < x1 else { continue }
            for x in x0..<x1 {
                let n = noise.detail(Float(x) * 0.7 + u0, Float(y) * 0.7 + v0)
                let cover = clamp01(half * (1 + 0.2 * n) + 0.5 - abs(Float(x) - cx))
                if cover <= 0 { continue }
                let side = (Float(x) - cx) / max(half, 1) * plan.lightSide
                let c = mix(dark, foliage, clamp01(0.5 + 0.5 * side + 0.4 * n)) * plan.light
                canvas.blend(x, y, mix(c, plan.haze, haze), cover)
            }
        }
    }
}
