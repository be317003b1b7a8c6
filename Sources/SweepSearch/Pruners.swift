import Foundation

/// A trial's reported values by step (epoch), as its worker streamed them.
public typealias Curve = [Int: Double]

/// What a pruner decided about a trial at a step, and the numbers that made the decision
/// (written to the log as they are).
public struct PruneDecision: Sendable, Hashable, CustomStringConvertible {
    /// Stop the trial now.
    public var prune: Bool
    /// The step (epoch) decided at.
    public var step: Int
    /// The ASHA rung the decision was taken at (nil for the median rule, or when no rung was reached).
    public var rung: Int?
    /// The decision in words, with its numbers: `epoch 4: best 0.512 < median 0.603 of 7 complete trials`.
    public var reason: String

    public var description: String { (prune ? "prune: " : "continue: ") + reason }
}

/// Optuna's `MedianPruner` (a `PercentilePruner` at 50, optuna/pruners/_percentile.py): after
/// `startupTrials` complete trials and `warmupSteps` steps, at the first step of every `interval`,
/// stop a trial whose best value so far is worse than the median of the complete trials' values
/// at the same step.
public struct MedianPruner: Sendable, Hashable {
    public var startupTrials: Int = 5
    public var warmupSteps: Int = 0
    public var interval: Int = 1
    /// Complete trials that must have a value at the step (Optuna's n_min_trials).
    public var minTrials: Int = 1
    public var percentile: Double = 50

    /// The defaults of Optuna's MedianPruner.
    public init(startupTrials: Int = 5, warmupSteps: Int = 0, interval: Int = 1) {
        self.startupTrials = startupTrials
        self.warmupSteps = warmupSteps
        self.interval = interval
    }

    /// The decision for a trial whose reports so far are `curve`, given the curves of the
    /// complete trials.
    public func decide(_ curve: Curve, complete: [Curve], direction: Direction) -> PruneDecision {
        guard let step = curve.keys.max() else { return PruneDecision(prune: false, step: 0, reason: "nothing reported") }
        func keep(_ why: String) -> PruneDecision { PruneDecision(prune: false, step: step, reason: "epoch \(step): " + why) }
        if complete.count < max(startupTrials, 1) {
            return keep("\(complete.count) complete trial(s), fewer than the \(max(startupTrials, 1)) startup trials")
        }
        if step < warmupSteps { return keep("in the \(warmupSteps) warm-up epochs") }
        let nearestLower = (step - warmupSteps) / interval * interval + warmupSteps
        let secondLast = curve.keys.filter { $0 != step }.max() ?? -1
        if secondLast >= nearestLower { return keep("not the first report of its interval of \(interval)") }
        let values = curve.values.filter { !$0.isNaN }
        guard let best = direction == .maximize ? values.max() : values.min() else {
            return PruneDecision(prune: true, step: step, reason: "epoch \(step): every value is NaN")
        }
        let others = complete.compactMap { $0[step] }.filter { !$0.isNaN }
        guard others.count >= minTrials, !others.isEmpty else { return keep("no complete trial reported epoch \(step)") }
        let p = MedianPruner.percentile(others, direction == .maximize ? 100 - percentile : percentile)
        let worse = direction == .maximize ? best < p : best > p
        let relation = worse ? (direction == .maximize ? "<" : ">") : (direction == .maximize ? ">=" : "<=")
        return PruneDecision(prune: worse, step: step,
                             reason: "epoch \(step): best \(fmt(best)) \(relation) median \(fmt(p)) of \(others.count) complete trials")
    }

    /// numpy's percentile (linear interpolation between the order statistics).
    static func percentile(_ xs: [Double], _ q: Double) -> Double {
        let s = xs.sorted()
        let position = Double(s.count - 1) * q / 100
        let lo = Int(position.rounded(.down)), hi = min(lo + 1, s.count - 1)
        return s[lo] + (s[hi] - s[lo]) * (position - Double(lo))
    }
}

/// Asynchronous successive halving (ASHA; Li et al. 2020, "A System for Massively Parallel
/// Hyperparameter Tuning"), as Optuna's `SuccessiveHalvingPruner`: rung r is reached at step
/// `minResource * reductionFactor^(minEarlyStoppingRate + r)`; a trial reaching a rung records its
/// value there and goes on only if that value is in the top 1/reductionFactor of the values
/// recorded at that rung so far (itself included; among fewer than `reductionFactor` values it
/// must be the best).
public struct ASHAPruner: Sendable, Hashable {
    public var minResource: Int = 1
    public var reductionFactor: Int = 4
    public var minEarlyStoppingRate: Int = 0
    /// Values a rung needs before anything is promoted (Optuna's bootstrap_count).
    public var bootstrapCount: Int = 0

    public init(minResource: Int = 1, reductionFactor: Int = 4, minEarlyStoppingRate: Int = 0) {
        self.minResource = minResource
        self.reductionFactor = reductionFactor
        self.minEarlyStoppingRate = minEarlyStoppingRate
    }

    /// The step at which rung `rung` is reached.
    public func rungStep(_ rung: Int) -> Int {
        var s = minResource
        for _ in 0..<(minEarlyStoppingRate + rung) { s *= reductionFactor }
        return s
    }

    /// The values a trial with reports `curve` recorded at each rung it reached, in rung order
    /// (the value reported at the first step at or after the rung's step, as a pruner called at
    /// every report records it).
    public func rungValues(_ curve: Curve) -> [Double] {
        var values: [Double] = []
        for step in curve.keys.sorted() {
            while step >= rungStep(values.count), let v = curve[step] { values.append(v) }
        }
        return values
    }

    /// The decision for a trial whose reports so far are `curve` (called after each report);
    /// `rungs` gives the values other trials recorded at a rung before this one reached it.
    public func decide(_ curve: Curve, rungs: (Int) -> [Double], direction: Direction) -> PruneDecision {
        let steps = curve.keys.sorted()
        guard let step = steps.last, let value = curve[step] else {
            return PruneDecision(prune: false, step: 0, reason: "nothing reported")
        }
        // The rungs passed at earlier reports (a trial still running passed them all).
        var rung = steps.count > 1 ? rungValues(curve.filter { $0.key != step }).count : 0
        var last = PruneDecision(prune: false, step: step, reason: "epoch \(step): next rung at epoch \(rungStep(rung))")
        while step >= rungStep(rung) {
            if value.isNaN { return PruneDecision(prune: true, step: step, rung: rung, reason: "epoch \(step): value is NaN") }
            var competing = rungs(rung) + [value]
            if competing.count <= bootstrapCount {
                return PruneDecision(prune: true, step: step, rung: rung,
                                     reason: "epoch \(step) (rung \(rung)): \(competing.count) value(s), bootstrap needs more than \(bootstrapCount)")
            }
            var promotable = competing.count / reductionFactor - 1
            if promotable == -1 { promotable = 0 }
            competing.sort()
            let threshold = direction == .maximize ? competing[competing.count - 1 - promotable] : competing[promotable]
            let goesOn = direction == .maximize ? value >= threshold : value <= threshold
            let top = "the top \(promotable + 1) of \(competing.count) values at rung \(rung) (epoch \(rungStep(rung)))"
            if !goesOn {
                return PruneDecision(prune: true, step: step, rung: rung,
                                     reason: "epoch \(step): value \(fmt(value)) is not in \(top), which need \(direction == .maximize ? ">=" : "<=") \(fmt(threshold))")
            }
            last = PruneDecision(prune: false, step: step, rung: rung, reason: "epoch \(step): value \(fmt(value)) is in \(top)")
            rung += 1
        }
        return last
    }

}

/// A number for a decision's log line: 4 significant digits.
func fmt(_ x: Double) -> String { String(format: "%.4g", x) }
