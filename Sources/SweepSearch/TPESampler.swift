import Foundation

/// The tree-structured Parzen estimator (Bergstra et al. 2011; Watanabe 2023), as Optuna's
/// `TPESampler` (optuna/samplers/_tpe/sampler.py, Optuna 5) runs it with its defaults for one
/// objective: the first `startupTrials` finished trials are random (`RandomSampler`); after them
/// the finished trials are split into the best `gamma(n) = min(ceil(0.1 n), 25)` ("below") and the
/// rest ("above"), complete trials first by value, then pruned ones by how far they got and their
/// last value; trials still running go "above" (the constant liar: a running trial is assumed bad,
/// so parallel workers do not all propose the same point). `eiCandidates` points are drawn from the
/// below estimator l(x) and the one with the largest l(x) / g(x) is proposed. Multivariate: one
/// kernel draws all dimensions (Optuna 5's default for one objective).
///
/// Everything is rebuilt from `history` on each call, so a resumed search goes on from the records;
/// the candidates' random numbers depend only on (seed, index).
public struct TPESampler: Sampler {
    public let space: SearchSpace
    public let seed: Int
    public let direction: Direction
    /// Optuna's n_startup_trials.
    public static let defaultStartupTrials = 10
    /// Random trials before the model is used (Optuna: 10).
    public var startupTrials: Int = TPESampler.defaultStartupTrials
    /// Candidates drawn from l(x) per suggestion (Optuna: 24).
    public var eiCandidates: Int = 24
    /// Weight of the prior kernel (Optuna: 1).
    public var priorWeight: Double = 1
    /// Count running trials as bad ones (Optuna 5: true).
    public var constantLiar: Bool = true

    /// A TPE sampler of `space`.
    public init(space: SearchSpace, seed: Int, direction: Direction) {
        self.space = space
        self.seed = seed
        self.direction = direction
    }

    /// Optuna's `default_gamma`: how many of n finished trials are the good ones.
    public static func gamma(_ n: Int) -> Int { min(Int((0.1 * Double(n)).rounded(.up)), 25) }

    public func suggest(index: Int, history: [Observation]) -> [Double] {
        let finished = history.filter {
            if case .complete = $0.state { return true }
            if case .pruned = $0.state { return true }
            return false
        }
        if finished.count < startupTrials || space.dimensions.isEmpty {
            return RandomSampler(space: space, seed: seed).suggest(index: index)
        }
        let (below, above) = split(history)
        let l = ParzenEstimator(observations: below.map { history[$0].point }, space: space, priorWeight: priorWeight)
        let g = ParzenEstimator(observations: above.map { history[$0].point }, space: space, priorWeight: priorWeight)
        var random = SearchRandom(seed: seed, index: index, stream: 2)
        let candidates = l.sample(eiCandidates, &random)
        let lx = l.logPDFs(candidates), gx = g.logPDFs(candidates)
        var best = candidates[0], bestScore = -Double.infinity
        for (i, c) in candidates.enumerated() {
            let score = lx[i] - gx[i]
            if score > bestScore {  // the first of equal scores, as numpy's argmax
                best = c
                bestScore = score
            }
        }
        return best
    }

    /// The history indices of the "below" and "above" trials, each in trial order.
    func split(_ history: [Observation]) -> (below: [Int], above: [Int]) {
        var complete: [(Int, Double)] = [], pruned: [(Int, Double, Double)] = [], running: [Int] = []
        for (i, o) in history.enumerated() {
            switch o.state {
            case .complete(let v): complete.append((i, direction == .minimize ? v : -v))
            case .pruned(let step, let value):
                // Optuna's _get_pruned_trial_score: further first, then the better last value
                if let step, let value {
                    pruned.append((i, -Double(step), value.isNaN ? .infinity : (direction == .minimize ? value : -value)))
                } else {
                    pruned.append((i, 1, 0))
                }
            case .running: if constantLiar { running.append(i) }
            case .failed: break
            }
        }
        var nBelow = TPESampler.gamma(complete.count + pruned.count)
        complete.sort { ($0.1, $0.0) < ($1.1, $1.0) }
        pruned.sort { ($0.1, $0.2, $0.0) < ($1.1, $1.2, $1.0) }
        let c = min(nBelow, complete.count)
        var below = complete.prefix(c).map(\.0), above = complete.dropFirst(c).map(\.0)
        nBelow -= c
        let p = min(nBelow, pruned.count)
        below += pruned.prefix(p).map(\.0)
        above += pruned.dropFirst(p).map(\.0) + running
        return (below.sorted(), above.sorted())
    }
}
