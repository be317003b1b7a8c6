import SweepData
import Foundation
import SweepTensor

/// Draws one synthetic natural scene for a MIML label set and grades it like a photo.
///
/// Layers, back to front: sky (with sun and clouds), mountains or low hills, water and land
/// below the horizon (sea, dunes, beach or meadow, arranged by the labels), trees; then
/// exposure, white balance, contrast, saturation, vignette and grain. Every colour range
/// overlaps another class's (sand vs sunset sky, sea vs day sky, trees vs meadow, rock vs
/// sand), so no label can be read from a single pixel.
struct SceneRenderer {
    let noise = NoiseTexture.shared

    /// The scene for `labels` (class indices into `SceneLabels.classNames`) drawn with `rng`;
    /// also returns the JPEG quality to save it at.
    func render(labels: [Int], rng: inout SeededRandom, profiler: Profiler? = nil) -> (canvas: SceneCanvas, quality: Int) {
        var plan = ScenePlan(labels: labels, rng: &rng)
        let canvas = SceneCanvas(width: plan.width, height: plan.height)
        profiler.measure("sky") { SceneSky.draw(canvas, &plan, rng: &rng, noise: noise) }
        profiler.measure("mountains/hills") {
            if plan.mountains {
                SceneTerrain.drawMountains(canvas, plan, rng: &rng, noise: noise)
            } else if rng.chance(0.3) {
                SceneTerrain.drawHills(canvas, plan, rng: &rng, noise: noise)
            }
        }
        let treeGround = profiler.measure("sea/land") { drawGround(canvas, plan, rng: &rng) }
        if plan.trees {
            profiler.measure("trees") { SceneTrees.draw(canvas, plan, ground: treeGround, rng: &rng, noise: noise) }
        }
        let quality = profiler.measure("grade") { grade(canvas, rng: &rng) }
        return (canvas, quality)
    }

    /// Water and land below the horizon; returns the row distant trees stand on.
    func drawGround(_ canvas: SceneCanvas, _ plan: ScenePlan, rng: inout SeededRandom) -> Float {
        let w = canvas.width, h = Float(canvas.height)
        let horizon = plan.horizon, below = h - plan.horizon
        let atHorizon = [Float](repeating: horizon, count: w)
        if plan.sea {
            // Land in front of the water: always dunes with desert, often a beach or meadow otherwise.
            let front = plan.desert ? 3 : rng.pick([0, 0, 0, 1, 1, 2])
            guard front != 0 else {
                guard plan.trees else {
                    SceneWater.draw(canvas, plan, top: horizon, shore: nil, rng: &rng, noise: noise)
                    return horizon
                }
                // Trees need land: a strip of far shore along the horizon, water in front of it.
                let strip = below * rng.uniformF(0.02, 0.06)
                SceneLand.drawMeadow(canvas, plan, top: atHorizon, rng: &rng, noise: noise)
                SceneWater.draw(canvas, plan, top: horizon + strip, shore: nil, rng: &rng, noise: noise)
                return horizon + strip * 0.6
            }
            let shore = SceneLand.boundary(width: w, base: horizon + below * rng.uniformF(0.25, 0.6),
                                           amplitude: below * rng.uniformF(0.02, 0.12), rng: &rng)
            SceneWater.draw(canvas, plan, top: horizon, shore: shore, rng: &rng, noise: noise)
            switch front {
            case 1: SceneLand.drawBeach(canvas, plan, top: shore, rng: &rng, noise: noise)
            case 2: SceneLand.drawMeadow(canvas, plan, top: shore, rng: &rng, noise: noise)
            default: SceneLand.drawDunes(canvas, plan, top: shore, flat: false, rng: &rng, noise: noise)
            }
            // Trees stand on the far shore or on the land in front.
            return rng.chance(0.5) ? horizon : (shore.min() ?? horizon)
        }
        if plan.desert {
            let flat = rng.chance(0.25)
            let top = flat ? atHorizon : SceneLand.boundary(width: w, base: horizon, amplitude: h * rng.uniformF(0.02, 0.1), rng: &rng)
            SceneLand.drawDunes(canvas, plan, top: top, flat: flat, rng: &rng, noise: noise)
            return horizon
        }
        if rng.chance(0.12) {
            SceneLand.drawBeach(canvas, plan, top: atHorizon, rng: &rng, noise: noise)  // bare sand or earth, not a desert
        } else {
            SceneLand.drawMeadow(canvas, plan, top: atHorizon, rng: &rng, noise: noise)
        }
        return horizon
    }

    /// Photo-like grading in place; returns a JPEG quality in 80...94.
    func grade(_ canvas: SceneCanvas, rng: inout SeededRandom) -> Int {
        let exposure = rng.uniformF(0.85, 1.15)
        let warmth = rng.uniformF(-0.08, 0.08)  // white balance: warm (+) or cool (-) cast
        let balance = RGB(1 + warmth + rng.uniformF(-0.03, 0.03), 1, 1 - warmth + rng.uniformF(-0.03, 0.03)) * exposure
        let contrast = rng.uniformF(0.85, 1.2), saturation = rng.uniformF(0.7, 1.3)
        let vignette = rng.uniformF(0, 0.35), grain = rng.uniformF(0.01, 0.03)
        let salt = UInt32(truncatingIfNeeded: rng.next())
        let w = canvas.width, h = canvas.height
        let cx = Float(w) * 0.5, cy = Float(h) * 0.5, norm = 1 / (cx * cx + cy * cy)
        let luma = RGB(0.299, 0.587, 0.114)
        for y in 0..<h {
            for x in 0..<w {
                var c = canvas.get(x, y) * balance
                let l = (c * luma).sum()
                c = RGB(repeating: l) + (c - RGB(repeating: l)) * saturation
                c = (c - 0.5) * contrast + 0.5
                let dx = Float(x) - cx, dy = Float(y) - cy
                c *= 1 - vignette * (dx * dx + dy * dy) * norm
                c += RGB(repeating: grain * hashNoise(x, y, salt))
                canvas.set(x, y, c)
            }
        }
        return rng.int(80...94)
    }
}
