import Foundation

/// What a sampler knows of one earlier trial: its point and how it went. A sampler's state is
/// nothing but the list of these (rebuilt from `trials.jsonl` on resume).
public struct Observation: Sendable, Hashable {
    /// How the trial went.
    public enum State: Sendable, Hashable {
        /// Finished with this objective value.
        case complete(Double)
        /// Stopped early after reporting `value` at `step` (nil when it reported nothing).
        case pruned(step: Int?, value: Double?)
        /// Still running on another worker (TPE's constant liar counts it as a bad trial).
        case running
        /// Failed or diverged: ignored by the samplers.
        case failed
    }

    /// One value per dimension of the space (a choice's index).
    public var point: [Double]
    /// How it went.
    public var state: State

    /// An observation of `point`.
    public init(point: [Double], state: State) {
        self.point = point
        self.state = state
    }
}

/// Proposes the point of trial `index` given what is known of the trials before it.
public protocol Sampler: Sendable {
    /// The point of trial `index` (0-based, in the order trials are started); `history` holds the
    /// trials started before it, in order. Deterministic: the same index and history give the same point.
    func suggest(index: Int, history: [Observation]) -> [Double]
}

/// Today's grid: trial `index` is the index-th point of the cartesian product, first dimension
/// slowest, last fastest (the order `GridExpansion` has always used).
public struct GridSampler: Sampler {
    /// The values of each dimension.
    public let axes: [[Double]]

    /// A grid over a finite space, or nil when a dimension is continuous.
    public init?(_ space: SearchSpace) {
        var axes: [[Double]] = []
        for d in space.dimensions {
            guard let values = d.distribution.finiteValues else { return nil }
            axes.append(values)
        }
        self.axes = axes
    }

    /// How many points the grid has.
    public var count: Int { axes.reduce(1) { $0 * $1.count } }

    /// The index-th point (wrapping around after `count`).
    public func suggest(index: Int, history: [Observation] = []) -> [Double] {
        var rest = index % max(count, 1)
        var point = [Double](repeating: 0, count: axes.count)
        for (a, values) in axes.enumerated().reversed() {
            point[a] = values[rest % values.count]
            rest /= values.count
        }
        return point
    }
}

/// Independent uniform draws (log-uniform for log distributions), as Optuna's `RandomSampler`:
/// trial `index`'s point depends only on (seed, index).
public struct RandomSampler: Sampler {
    /// The space sampled.
    public let space: SearchSpace
    /// The search's seed.
    public let seed: Int

    /// A random sampler of `space`.
    public init(space: SearchSpace, seed: Int) {
        self.space = space
        self.seed = seed
    }

    public func suggest(index: Int, history: [Observation] = []) -> [Double] {
        var random = SearchRandom(seed: seed, index: index, stream: 1)
        return space.dimensions.map { RandomSampler.draw($0.distribution, &random) }
    }

    /// One value of `distribution`.
    static func draw(_ distribution: Distribution, _ random: inout SearchRandom) -> Double {
        switch distribution {
        case .choice(let count): return Double(random.below(count))
        case .uniform(let low, let high): return min(low + random.uniform() * (high - low), high)
        case .logUniform(let low, let high):
            return min(max(exp(log(low) + random.uniform() * (log(high) - log(low))), low), high)
        case .int(let low, let high, let step):
            return Double(low + random.below((high - low) / step + 1) * step)
        case .logInt(let low, let high):
            // as Optuna: uniform in [log(low - 0.5), log(high + 0.5)], rounded to the integer
            let lo = log(Double(low) - 0.5), hi = log(Double(high) + 0.5)
            let x = exp(lo + random.uniform() * (hi - lo)).rounded()
            return min(max(x, Double(low)), Double(high))
        }
    }
}
