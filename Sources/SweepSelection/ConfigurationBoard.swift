import Foundation
import SweepCore
import SweepCSV

/// One configuration (a point of the search space) and the statistics of its runs.
public struct ConfigurationResult: Sendable, Equatable {
    /// The configuration id (`Trial.configID`).
    public var id: String
    /// Its swept values by parameter name.
    public var parameters: [String: SweptValue]
    /// Its runs, best first (`Leaderboard.ranked`).
    public var runs: [TrialRecord]
    /// The objective of its complete runs.
    public var objective: Summary
    /// Mean over its complete runs of each `val_<metric>` (and loss) at their best epochs, NaN skipped.
    public var metricMeans: [String: Double]
    /// Mean best epoch (0-based) over its complete runs.
    public var meanBestEpoch: Double?
    /// How many of its runs ended in each state.
    public var states: [TrialState: Int]
    /// Its place in the race (`race: true`), nil otherwise.
    public var race: RaceStandings.Row? = nil

    /// Runs that count (complete, with a finite objective).
    public var completeRuns: [TrialRecord] { runs.filter { $0.state == .complete && ($0.objective?.isFinite ?? false) } }
}

/// Groups run records into configurations and ranks them (`leaderboard.csv`); pure, the
/// caller writes the files. A configuration's runs are its repeats and folds; its value is
/// the mean objective of its complete runs, or with `rank_by: lower_bound` the cautious end
/// of the 95% t interval (lower for max, upper for min; a configuration with one run has no
/// interval and ranks after those that have one). Configurations without a complete run come
/// last. With `race: true` the configurations that got further in the race rank first (the
/// race's survivors before those raced out in a later round, before earlier ones), then as
/// above. Ties: by the mean, then by plan order.
public struct ConfigurationBoard: Sendable {
    /// The run-level leaderboard (`runs.csv`), whose ranking orders each configuration's runs.
    public var runs: Leaderboard
    /// How configurations are ranked.
    public var rankBy: SweepSpec.RankBy
    /// Plan position of each configuration id (its first run's), for ties.
    public var configOrder: [String: Int]
    /// The race over the runs (`race: true`), nil otherwise.
    public var race: RaceStandings?

    /// A board with these columns and ranking.
    public init(runs: Leaderboard, rankBy: SweepSpec.RankBy = .mean, configOrder: [String: Int] = [:],
                race: RaceStandings? = nil) {
        self.runs = runs
        self.rankBy = rankBy
        self.configOrder = configOrder
        self.race = race
    }

    /// The board of a sweep.
    public init(plan: SweepPlan) {
        var order: [String: Int] = [:]
        for t in plan.trials where order[t.configID] == nil { order[t.configID] = t.index }
        self.init(runs: Leaderboard(plan: plan), rankBy: plan.spec.rankBy, configOrder: order, race: RaceStandings(plan: plan))
    }

    /// The records grouped by configuration, best first.
    public func configurations(_ records: [TrialRecord]) -> [ConfigurationResult] {
        var groups: [String: [TrialRecord]] = [:], firstSeen: [String] = []
        for r in records {
            if groups[r.configID] == nil { firstSeen.append(r.configID) }
            groups[r.configID, default: []].append(r)
        }
        let raceRows = race?.rows(records)
        let results = firstSeen.map { id -> ConfigurationResult in
            let ranked = runs.ranked(groups[id] ?? [])
            let complete = ranked.filter { $0.state == .complete && ($0.objective?.isFinite ?? false) }
            var means: [String: Double] = [:]
            for name in runs.metricNames {
                let s = Summary(complete.compactMap { $0.best?.val[name] })
                if let m = s.mean { means[name] = m }
            }
            var states: [TrialState: Int] = [:]
            for r in ranked { states[r.state, default: 0] += 1 }
            return ConfigurationResult(id: id, parameters: ranked.first?.parameters ?? [:], runs: ranked,
                                       objective: Summary(complete.compactMap(\.objective)), metricMeans: means,
                                       meanBestEpoch: Summary(complete.compactMap { $0.bestEpoch.map(Double.init) }).mean,
                                       states: states, race: raceRows?[id])
        }
        return results.sorted(by: isRankedBefore)
    }

    /// The value a configuration is ranked by (nil: it has none and ranks after those that do).
    public func rankValue(_ c: ConfigurationResult) -> Double? {
        switch rankBy {
        case .mean: return c.objective.mean
        case .lowerBound: return runs.objective.direction == .max ? c.objective.low : c.objective.high
        }
    }

    private func isRankedBefore(_ a: ConfigurationResult, _ b: ConfigurationResult) -> Bool {
        let ma = a.objective.mean, mb = b.objective.mean
        if (ma == nil) != (mb == nil) { return ma != nil }
        if let sa = a.race?.stage, let sb = b.race?.stage, sa != sb { return sa > sb }
        let va = rankValue(a), vb = rankValue(b)
        switch (va, vb) {
        case let (x?, y?) where x != y: return runs.objective.direction.isBetter(x, than: y)
        case (_?, nil): return true
        case (nil, _?): return false
        default: break
        }
        if let x = ma, let y = mb, x != y { return runs.objective.direction.isBetter(x, than: y) }
        let pa = configOrder[a.id] ?? Int.max, pb = configOrder[b.id] ?? Int.max
        return pa != pb ? pa < pb : a.id < b.id
    }

    /// The runs in configuration order (best configuration's runs first, each configuration's
    /// best run first): the order checkpoints are kept in and `best` chosen from.
    public func rankedRuns(_ records: [TrialRecord]) -> [TrialRecord] {
        configurations(records).flatMap(\.runs)
    }

    /// `rank, config_id, <parameters>, n, objective_mean, objective_sd, objective_ci_low,
    /// objective_ci_high, val_<metric>_mean..., best_epoch_mean, runs, complete, pruned,
    /// diverged, failed`: n counts the complete runs the statistics are over; with `race: true`
    /// then `race_out_round` (the round it was raced out after, empty for the survivors) and
    /// `race` (`finished`, `racing (round k)` or `raced out after round k (mean m < cut c over r run(s))`).
    public var header: [String] {
        ["rank", "config_id"] + runs.parameterNames
            + ["n", "objective_mean", "objective_sd", "objective_ci_low", "objective_ci_high"]
            + runs.metricNames.map { "val_\($0)_mean" }
            + ["best_epoch_mean", "runs"] + TrialState.allCases.map(\.rawValue)
            + (race == nil ? [] : ["race_out_round", "race"])
    }

    /// One row per configuration, ranked; empty cells where a value is missing.
    public func rows(_ records: [TrialRecord]) -> [[String]] {
        configurations(records).enumerated().map { i, c in
            let cell: (Double?) -> String = { $0.map(Leaderboard.number) ?? "" }
            var row = ["\(i + 1)", c.id] + runs.parameterNames.map { c.parameters[$0]?.description ?? "" }
            row += ["\(c.objective.n)", cell(c.objective.mean), cell(c.objective.sd), cell(c.objective.low), cell(c.objective.high)]
            row += runs.metricNames.map { cell(c.metricMeans[$0]) }
            row += [cell(c.meanBestEpoch), "\(c.runs.count)"] + TrialState.allCases.map { "\(c.states[$0] ?? 0)" }
            if race != nil { row += [c.race?.outAfterRound.map(String.init) ?? "", c.race?.text ?? ""] }
            return row
        }
    }

    /// `leaderboard.csv`, written by `CSVWriter` (RFC 4180).
    public func csv(_ records: [TrialRecord]) -> String {
        CSVWriter(header: header).document(rows(records))
    }
}
