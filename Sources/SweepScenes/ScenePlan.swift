import SweepData
import Foundation

/// What every layer of one synthetic scene shares: size, horizon, sun and light.
struct ScenePlan {
    /// Time of day and weather. Golden afternoons and dusk make warm or dark scenes that are not
    /// sunsets, so that colour and brightness alone do not give the `sunset` label away.
    enum Mood { case day, golden, dusk, sunset }

    /// MIML classes present (desert, mountains, sea, sunset, trees).
    var desert: Bool, mountains: Bool, sea: Bool, sunset: Bool, trees: Bool
    /// Time of day.
    var mood = Mood.day
    /// Whether the sun's disc is drawn (a sunset sun may hide behind haze; only its glow shows).
    var sunDisc = true
    /// Image size.
    var width: Int, height: Int
    /// Horizon row (where sky meets land or sea), in pixels from the top.
    var horizon: Float
    /// Sky colour at the horizon, for aerial haze.
    var haze = RGB(0.8, 0.85, 0.9)
    /// Sun centre and radius in pixels (radius 0: no visible sun).
    var sunX: Float = 0, sunY: Float = 0, sunRadius: Float = 0
    /// Colour of the sunlight (sun disc, glitter on water, lit cloud edges).
    var sunColour = RGB(1, 0.95, 0.85)
    /// Multiplier applied to everything lit by the sun (land, rock, trees, sand).
    var light = RGB(1, 1, 1)
    /// Light comes from the left (-1) or right (+1).
    var lightSide: Float = 1
    /// Offsets into the noise texture, so that scenes do not share texture.
    var noiseU: Float = 0, noiseV: Float = 0

    /// A plan for `labels` (class indices into `SceneLabels.classNames`).
    init(labels: [Int], rng: inout SeededRandom) {
        desert = labels.contains(0); mountains = labels.contains(1); sea = labels.contains(2)
        sunset = labels.contains(3); trees = labels.contains(4)
        // Sizes like MIML's photos: mostly landscape, about 480x320, some portrait.
        if rng.chance(0.12) {
            height = rng.int(400...520)
            width = Int(Float(height) / rng.uniformF(1.3, 1.55))
        } else {
            width = rng.int(420...520)
            height = Int(Float(width) / rng.uniformF(1.3, 1.6))
        }
        let h = Float(height)
        if mountains {
            horizon = h * rng.uniformF(0.48, 0.74)
        } else if sea && desert {
            horizon = h * rng.uniformF(0.3, 0.48)
        } else {
            horizon = h * rng.uniformF(0.3, 0.66)
        }
        lightSide = rng.chance(0.5) ? -1 : 1
        noiseU = rng.uniformF(0, 256); noiseV = rng.uniformF(0, 256)
        if sunset {
            mood = .sunset
            let dim = rng.uniformF(0.28, 0.9)
            light = RGB(dim * rng.uniformF(1.05, 1.35), dim * rng.uniformF(0.8, 1.0), dim * rng.uniformF(0.75, 1.0))
            sunRadius = Float(width) * rng.uniformF(0.022, 0.06)
            sunX = Float(width) * rng.uniformF(0.12, 0.88)
            sunY = horizon - sunRadius * rng.uniformF(-0.5, 4.5)
            sunDisc = rng.chance(0.75)
            sunColour = rng.pick([RGB(1, 0.78, 0.45), RGB(1, 0.62, 0.3), RGB(1, 0.88, 0.6), RGB(0.98, 0.5, 0.25)])
        } else {
            let roll = rng.unit()
            mood = roll < 0.2 ? .golden : (roll < 0.32 ? .dusk : .day)
            switch mood {
            case .golden:
                let level = rng.uniformF(0.75, 1.0)
                light = RGB(level * rng.uniformF(1.02, 1.12), level * rng.uniformF(0.84, 0.92), level * rng.uniformF(0.6, 0.75))
            case .dusk:
                let level = rng.uniformF(0.35, 0.6)
                light = RGB(level * 0.9, level * 0.95, level * rng.uniformF(1.0, 1.15))
            default:
                let level = rng.uniformF(0.82, 1.12)
                light = RGB(level * rng.uniformF(0.95, 1.06), level, level * rng.uniformF(0.93, 1.05))
            }
            if mood != .dusk, rng.chance(0.2) {  // a high sun, which is not a sunset
                sunRadius = Float(width) * rng.uniformF(0.012, 0.025)
                sunX = Float(width) * rng.uniformF(0.1, 0.9)
                sunY = horizon * rng.uniformF(0.05, 0.35)
                sunColour = mood == .golden ? RGB(1, 0.95, 0.8) : RGB(1, 1, 0.95)
            }
        }
    }

    /// Distance from the horizon as a 0...1 ground coordinate (0 at the horizon, 1 at the bottom).
    @inline(__always) func groundT(_ y: Int) -> Float {
        max((Float(y) + 0.5 - horizon) / (Float(height) - horizon), 0)
    }
}
