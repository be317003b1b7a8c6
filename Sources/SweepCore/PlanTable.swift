/// The expanded trial plan as a text table, for `sweep run --dry-run`.
extension SweepPlan {
    /// A heading (`scene: 54 trials (dropout 3 × lr 3 × ...)`), the fixed settings, and one
    /// row per trial: number, id and each swept value, columns aligned.
    ///
    /// - Parameter finished: the states of trials already recorded in the results folder; when
    ///   not empty, a `finished` column marks them and the heading says how many will run.
    public func table(finished: [String: TrialState] = [:]) -> String {
        let train = spec.train
        var lines = ["\(spec.name): \(summary)"]
        let done = trials.filter { finished[$0.id] != nil }.count
        if done > 0 {
            lines.append("already finished: \(done) of \(trials.count) (marked below); `sweep run` runs the other \(trials.count - done)")
        }
        var swept = Set(spec.grid.map(\.path))
        if swept.contains("train.head.widths") { swept.insert("train.head.depth") }
        let head = train.head.widths.map { "widths \(SweptValue.numbers($0.map(Double.init)))" } ?? "depth \(train.head.depth)"
        let fixed: [(path: String, text: String)] = [
            ("train.epochs", "epochs \(train.epochs)"),
            ("train.batch_size", "batch \(train.batchSize)"),
            ("train.head.depth", head),
            ("train.head.dropout", "dropout \(SweptValue.number(train.head.dropout))"),
            ("train.optimizer.name", train.optimizer.name.rawValue),
            ("train.optimizer.lr", "lr \(SweptValue.number(train.optimizer.lr))"),
            ("train.schedule.name", "schedule \(scheduleText(train.schedule))"),
            ("train.loss.name", "loss \(pluginText(train.loss))"),
        ]
        lines.append("fixed: " + fixed.filter { !swept.contains($0.path) }.map(\.text).joined(separator: ", ")
                     + ", objective \(train.objective.label) (\(train.objective.direction.rawValue)), seed \(spec.seed)")
        let validation = spec.data.folds > 1 ? "\(spec.data.folds) folds" : "validation \(SweptValue.number(spec.data.validation))"
        lines.append("data: \(spec.data.format.rawValue) at \(spec.data.path), "
                     + (spec.data.test > 0 ? "test \(SweptValue.number(spec.data.test)) held out, " : "") + validation
                     + (spec.data.stratified ? " stratified" : "") + ", split seed \(spec.data.splitSeed); "
                     + "backbone: \(spec.backbone.name) \(spec.backbone.weights); workers \(spec.workers)")
        if spec.search.method != .grid {
            lines.append("space: " + spec.grid.map { axis in
                axis.name + " " + (axis.distribution.map { "\($0)" } ?? "[" + axis.values.map(\.description).joined(separator: ", ") + "]")
            }.joined(separator: ", "))
            if spec.search.method == .tpe {
                let startup = Set(trials.map(\.configID)).count, each = spec.runsPerConfiguration
                if each == 1 {
                    lines.append("the first \(startup) trials (random, below) start the search; TPE proposes the other "
                                 + "\(max(0, spec.search.trials - startup)) from the recorded results as workers free up")
                } else {
                    lines.append("the first \(startup) configurations (random, below, \(each) runs each) start the search; TPE "
                                 + "proposes the other \(max(0, spec.search.trials - startup)), each observed by the mean objective "
                                 + "of its \(each) runs once all are recorded")
                }
            }
        }
        if spec.pruner.method != .none {
            let p = spec.pruner
            lines.append("pruner: " + (p.method == .asha
                ? "asha (rungs at epochs \(p.minResource) × \(p.reductionFactor)^r; the top 1/\(p.reductionFactor) go on)"
                : "median (after \(p.startupTrials) complete trials, from epoch \(p.warmupEpochs), every \(p.interval) epoch(s))"))
        }
        let marks = !finished.isEmpty
        // runs of one configuration: its id, and the repeat and fold when there are several
        let runColumns = (spec.repeats > 1 || spec.data.folds > 1 ? ["config"] : []) + (spec.repeats > 1 ? ["repeat"] : [])
            + (spec.data.folds > 1 ? ["fold"] : [])
        let header = ["#", "id"] + runColumns + spec.parameterNames + (marks ? ["finished"] : [])
        let rows = trials.map { t in
            let run = (runColumns.contains("config") ? [t.configID] : []) + (spec.repeats > 1 ? ["\(t.repeat)"] : [])
                + (spec.data.folds > 1 ? [t.fold.map(String.init) ?? "-"] : [])
            return ["\(t.index + 1)", t.id] + run + t.parameters.map(\.value.description) + (marks ? [finished[t.id]?.rawValue ?? "-"] : [])
        }
        let widths = header.indices.map { c in ([header] + rows).map { $0[c].count }.max() ?? 0 }
        for row in [header] + rows {
            let cells = row.enumerated().map { c, cell in
                c == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[c] - cell.count)
            }
            lines.append(cells.joined(separator: "  "))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func scheduleText(_ s: ScheduleConfig) -> String {
        switch s.name {
        case .constant: return "constant"
        case .step: return "step(\(s.stepSize.map(String.init) ?? "?"), \(SweptValue.number(s.gamma))) per \(s.step.rawValue)"
        case .cosine:
            return "cosine(t_max \(s.tMax.map(String.init) ?? "?"), eta_min \(SweptValue.number(s.etaMin))) per \(s.step.rawValue)"
        }
    }

    private func pluginText(_ p: PluginChoice) -> String {
        guard !p.parameters.isEmpty else { return p.name }
        return p.name + "(" + p.parameters.keys.sorted().map { "\($0) \(p.parameters[$0]?.description ?? "")" }
            .joined(separator: ", ") + ")"
    }
}
