import Foundation
import SweepCSV

/// Ranks trial records by the sweep's objective and renders `leaderboard.csv` (pure: the
/// caller writes the file). Order: complete trials, then pruned, diverged and failed ones;
/// within each, by the objective (best first, direction-aware; no value last); ties by the lower
/// validation loss at the best epoch, then by the trial earlier in the plan (then by id).
public struct Leaderboard: Sendable {
    /// The swept parameters' names, one column each, in grid order.
    public var parameterNames: [String]
    /// `loss` and the metric names, one `val_<name>` column each.
    public var metricNames: [String]
    /// What ranks the trials.
    public var objective: Objective
    /// Plan position of each trial id, for the last tie-break (earlier first).
    public var planOrder: [String: Int]

    /// A leaderboard with these columns, ranked by `objective`.
    public init(parameterNames: [String], metricNames: [String], objective: Objective, planOrder: [String: Int] = [:]) {
        self.parameterNames = parameterNames
        self.metricNames = metricNames
        self.objective = objective
        self.planOrder = planOrder
    }

    /// The columns of a sweep: its grid parameters, `loss` and its metrics; ties by plan order.
    public init(plan: SweepPlan) {
        self.init(parameterNames: plan.spec.parameterNames, metricNames: ["loss"] + plan.spec.train.metrics.map(\.name),
                  objective: plan.spec.train.objective,
                  planOrder: Dictionary(plan.trials.map { ($0.id, $0.index) }, uniquingKeysWith: { a, _ in a }))
    }

    private static func group(_ state: TrialState) -> Int {
        switch state {
        case .complete: return 0
        case .pruned: return 1
        case .diverged: return 2
        case .failed: return 3
        }
    }

    /// The records, best first.
    public func ranked(_ records: [TrialRecord]) -> [TrialRecord] {
        records.sorted { a, b in
            let ga = Leaderboard.group(a.state), gb = Leaderboard.group(b.state)
            if ga != gb { return ga < gb }
            let va = a.objective.flatMap { $0.isFinite ? $0 : nil }
            let vb = b.objective.flatMap { $0.isFinite ? $0 : nil }
            switch (va, vb) {
            case let (x?, y?) where x != y: return objective.direction.isBetter(x, than: y)
            case (_?, nil): return true
            case (nil, _?): return false
            default: break
            }
            let la = a.best?.val["loss"].flatMap { $0.isFinite ? $0 : nil }
            let lb = b.best?.val["loss"].flatMap { $0.isFinite ? $0 : nil }
            if let x = la, let y = lb, x != y { return x < y }
            let pa = planOrder[a.id] ?? Int.max, pb = planOrder[b.id] ?? Int.max
            return pa != pb ? pa < pb : a.id < b.id
        }
    }

    /// `rank, id, state, config_id, repeat, fold, <parameters>, best_epoch, val_<metrics>,
    /// train_loss, epochs_run, final_train_loss, reason` (`runs.csv`): the `val_` columns and
    /// `train_loss` are the best epoch's; `epochs_run` counts the completed epochs and
    /// `final_train_loss` is the last one's; `reason` says why a run failed or diverged. No
    /// wall times: the file depends only on what was computed (they are in trials.jsonl).
    public var header: [String] {
        ["rank", "id", "state", "config_id", "repeat", "fold"] + parameterNames + ["best_epoch"] + metricNames.map { "val_" + $0 }
            + ["train_loss", "epochs_run", "final_train_loss", "reason"]
    }

    /// One row per record, ranked; empty cells where a value is missing.
    public func rows(_ records: [TrialRecord]) -> [[String]] {
        ranked(records).enumerated().map { i, r in
            let best = r.best
            var row: [String] = ["\(i + 1)", r.id, r.state.rawValue, r.configID, "\(r.repeat)", r.fold.map(String.init) ?? ""]
            for name in parameterNames { row.append(r.parameters[name]?.description ?? "") }
            row.append(r.bestEpoch.map(String.init) ?? "")
            for name in metricNames { row.append(best?.val[name].map(Leaderboard.number) ?? "") }
            row.append(best?.train["loss"].map(Leaderboard.number) ?? "")
            row.append("\(r.epochs.count)")
            row.append(r.epochs.last?.train["loss"].map(Leaderboard.number) ?? "")
            row.append(r.failure?.reason ?? "")
            return row
        }
    }

    /// The whole CSV file, written by `CSVWriter` (RFC 4180).
    public func csv(_ records: [TrialRecord]) -> String {
        CSVWriter(header: header).document(rows(records))
    }

    /// Shortest round-trip form; `nan`, `inf`, `-inf` for non-finite values.
    public static func number(_ x: Double) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        return "\(x)"
    }
}
