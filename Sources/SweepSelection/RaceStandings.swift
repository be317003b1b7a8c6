import SweepCore
import SweepSearch

/// `race: true` over a plan: every configuration's runs (repeats and folds, in plan order, so
/// run i is the same seed and fold for all) raced by `SuccessiveHalvingRace` (1 run in round 0,
/// doubling, the best half by mean going on). A pure function of the records: the runner asks it
/// which runs to start, the leaderboard how far each configuration got, and a resumed run
/// rebuilds the same state from `trials.jsonl`.
public struct RaceStandings: Sendable {
    /// The rule.
    public let race: SuccessiveHalvingRace
    /// Each configuration's id and its run ids, in plan order.
    public let configurations: [(id: String, runs: [String])]
    /// The objective's direction.
    public let direction: Direction

    /// The race of `plan`, nil when the sweep does not race.
    public init?(plan: SweepPlan) {
        guard plan.spec.race else { return nil }
        var order: [String] = [], runs: [String: [String]] = [:]
        for t in plan.trials {
            if runs[t.configID] == nil { order.append(t.configID) }
            runs[t.configID, default: []].append(t.id)
        }
        self.init(configurations: order.map { ($0, runs[$0] ?? []) },
                  direction: plan.spec.train.objective.direction == .max ? .maximize : .minimize)
    }

    /// A race of these configurations (each with its run ids in run order).
    public init(configurations: [(id: String, runs: [String])], direction: Direction) {
        self.configurations = configurations
        self.direction = direction
        race = SuccessiveHalvingRace(minRuns: 1, maxRuns: configurations.map(\.runs.count).max() ?? 1, reductionFactor: 2)
    }

    /// The score a recorded run counts with: its objective when complete and finite, else the
    /// worst possible value (a failed, diverged or pruned run counts against its configuration).
    public func score(_ record: TrialRecord) -> Double {
        if record.state == .complete, let v = record.objective, v.isFinite { return v }
        return direction == .maximize ? -.infinity : .infinity
    }

    /// The race given the records (the last record of an id wins): each configuration's scores
    /// are those of its first runs that all have a record (a run still going ends the list).
    public func state(_ records: [TrialRecord]) -> SuccessiveHalvingRace.State {
        var byID: [String: TrialRecord] = [:]
        for r in records { byID[r.id] = r }
        let results = configurations.map { c -> (id: String, scores: [Double]) in
            var scores: [Double] = []
            for id in c.runs {
                guard let r = byID[id] else { break }
                scores.append(score(r))
            }
            return (c.id, scores)
        }
        return race.state(results, direction: direction)
    }

    /// The runs the race wants now and that have no record: run-major (every configuration's
    /// run 0, then run 1, ...), so a round's results come in evenly.
    public func wanted(_ state: SuccessiveHalvingRace.State, recorded: Set<String>) -> [String] {
        var out: [String] = []
        let runs = Dictionary(configurations.map { ($0.id, $0.runs) }, uniquingKeysWith: { a, _ in a })
        let racing = state.standings.filter { $0.stopped == nil }
        for i in 0..<(racing.map(\.runs).max() ?? 0) {
            for s in racing where i < s.runs {
                if let id = runs[s.id].flatMap({ i < $0.count ? $0[i] : nil }), !recorded.contains(id) { out.append(id) }
            }
        }
        return out
    }

    /// All runs the race gives (known ahead, see `SuccessiveHalvingRace.totalRuns`).
    public var totalRuns: Int { race.totalRuns(configurations: configurations.count) }

    /// One configuration's line in `leaderboard.csv`.
    public struct Row: Sendable, Equatable {
        /// Runs the race gave it so far.
        public var runs: Int
        /// The round it was raced out after (1-based); nil when it won or still races.
        public var outAfterRound: Int?
        /// `finished`, `racing (round 2)` or `raced out after round 2 (mean 0.41 < cut 0.45)`.
        public var text: String
        /// How far it got, for ranking: rounds passed (a survivor of a finished race beats all).
        public var stage: Int
    }

    /// Each configuration's row by id.
    public func rows(_ records: [TrialRecord]) -> [String: Row] {
        let state = state(records)
        var out: [String: Row] = [:]
        for s in state.standings {
            if let round = s.stoppedRound {
                let sign = direction == .maximize ? "<" : ">"
                let mean = s.mean.map { fmt($0) } ?? "-", cut = s.cut.map { fmt($0) } ?? "-"
                out[s.id] = Row(runs: s.runs, outAfterRound: round,
                                text: "raced out after round \(round) (mean \(mean) \(sign) cut \(cut) over \(s.runs) run(s))",
                                stage: round - 1)
            } else {
                out[s.id] = Row(runs: s.runs, outAfterRound: nil,
                                text: state.finished ? "finished" : "racing (round \(state.round + 1))", stage: Int.max)
            }
        }
        return out
    }

    /// `0.4123` (4 significant digits), `inf` or `-inf`.
    public func fmt(_ x: Double) -> String { x.isFinite ? String(format: "%.4g", x) : (x > 0 ? "inf" : "-inf") }
}
