import Foundation

/// Ranks trial records by the sweep's objective and renders `leaderboard.csv` (pure: the
/// caller writes the file). Order: complete trials, then pruned, diverged and failed ones;
/// within each, by objective (best first, direction-aware; no value last), ties by id.
public struct Leaderboard: Sendable {
    /// The swept parameters' names, one column each, in grid order.
    public var parameterNames: [String]
    /// `loss` and the metric names, one `val_<name>` column each.
    public var metricNames: [String]
    /// What ranks the trials.
    public var objective: Objective

    /// A leaderboard with these columns, ranked by `objective`.
    public init(parameterNames: [String], metricNames: [String], objective: Objective) {
        self.parameterNames = parameterNames
        self.metricNames = metricNames
        self.objective = objective
    }

    /// The columns of a sweep: its grid parameters, `loss` and its metrics.
    public init(spec: SweepSpec) {
        self.init(parameterNames: spec.parameterNames, metricNames: ["loss"] + spec.train.metrics.map(\.name),
                  objective: spec.train.objective)
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
            default: return a.id < b.id
            }
        }
    }

    /// `rank, id, state, <parameters>, best_epoch, val_<metrics>, final_train_loss, seconds`.
    public var header: [String] {
        ["rank", "id", "state"] + parameterNames + ["best_epoch"] + metricNames.map { "val_" + $0 }
            + ["final_train_loss", "seconds"]
    }

    /// One row per record, ranked; empty cells where a value is missing.
    public func rows(_ records: [TrialRecord]) -> [[String]] {
        ranked(records).enumerated().map { i, r in
            let best = r.best
            var row: [String] = ["\(i + 1)", r.id, r.state.rawValue]
            for name in parameterNames { row.append(r.parameters[name]?.description ?? "") }
            row.append(r.bestEpoch.map(String.init) ?? "")
            for name in metricNames { row.append(best?.val[name].map(Leaderboard.number) ?? "") }
            row.append(r.epochs.last?.train["loss"].map(Leaderboard.number) ?? "")
            row.append(String(format: "%.3f", r.timings.seconds))
            return row
        }
    }

    /// The whole CSV file: header and rows, RFC 4180 quoting, `\n` line ends.
    public func csv(_ records: [TrialRecord]) -> String {
        ([header] + rows(records)).map { $0.map(Leaderboard.quoted).joined(separator: ",") + "\n" }.joined()
    }

    /// Shortest round-trip form; `nan`, `inf`, `-inf` for non-finite values.
    static func number(_ x: Double) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        return "\(x)"
    }

    static func quoted(_ cell: String) -> String {
        guard cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return cell }
        return "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
