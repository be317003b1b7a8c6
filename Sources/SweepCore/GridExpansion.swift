import SweepSearch
import SweepPluginAPI

/// Expands a decoded spec into trials: the cartesian product of the grid, keys in file order
/// (the first key varies slowest), values in list order; each point applied over the base
/// `train:` settings and resolved (name-dependent defaults, loss plugin defaults), then
/// checked for the rules that span several parameters.
struct GridExpansion {
    let decoded: SpecDecoder.Decoded
    let catalog: PluginCatalog
    let diagnostics: Diagnostics

    func trials() -> [Trial] {
        switch decoded.spec.search.method {
        case .grid: return gridTrials()
        case .random: return sampledTrials(count: decoded.spec.search.trials)
        case .tpe: return sampledTrials(count: min(decoded.spec.search.trials, TPESampler.defaultStartupTrials))
        }
    }

    private func gridTrials() -> [Trial] {
        let axes = decoded.spec.grid
        // The product saturates instead of overflowing: only "too many" matters beyond the limit.
        let limit = 100_000
        let total = axes.reduce(1) { product, axis in
            let (p, overflow) = product.multipliedReportingOverflow(by: axis.values.count)
            return overflow ? limit + 1 : min(p, limit + 1)
        }
        guard total <= limit else {
            let location = axes.first.flatMap { decoded.grid.locations[$0.name] } ?? decoded.locations["train"]
            diagnostics.add(location ?? .argument("grid"), "grid", "more than \(limit) trials")
            return []
        }
        var trials: [Trial] = []
        trials.reserveCapacity(total)
        var seen: [String: Int] = [:]
        for index in 0..<total {
            // Mixed-radix digits of `index`, last axis fastest.
            var rest = index
            var point = [SweptParameter](repeating: SweptParameter(name: "", value: .bool(false)), count: axes.count)
            for (a, axis) in axes.enumerated().reversed() {
                point[a] = SweptParameter(name: axis.name, value: axis.values[rest % axis.values.count])
                rest /= axis.values.count
            }
            guard let train = resolve(point) else { continue }
            let spec = decoded.spec
            let config = TrialConfig(train: train, seed: spec.seed, data: spec.data, backbone: spec.backbone,
                                     pluginCode: catalog.userPluginCode(for: train))
            let configID = config.id
            if let other = seen[configID] {
                diagnostics.add(decoded.grid.locations[axes.first?.name ?? ""] ?? .argument("grid"), "grid",
                                "trials \(other + 1) and \(index + 1) have the same settings")
                continue
            }
            seen[configID] = index
            // Runs: every repeat (its own seed) of every fold, repeat 0 without folds keeping the
            // configuration's id.
            let folds = spec.data.folds > 1 ? (0..<spec.data.folds).map { Optional($0) } : [nil]
            for r in 0..<max(1, spec.repeats) {
                var run = config
                run.seed = RunIdentity.seed(base: spec.seed, repeat: r)
                for fold in folds {
                    trials.append(Trial(id: RunIdentity.id(configuration: configID, repeat: r, fold: fold, folds: spec.data.folds),
                                        index: trials.count, parameters: point, config: run,
                                        configID: configID, repeat: r, fold: fold))
                }
            }
        }
        return trials
    }

    /// The trial at `point` (swept values in grid order), `index` its place in the plan; nil (with
    /// an issue) when the values do not fit together.
    func trial(_ point: [SweptParameter], index: Int) -> Trial? {
        guard let train = resolve(point) else { return nil }
        let spec = decoded.spec
        let config = TrialConfig(train: train, seed: spec.seed, data: spec.data, backbone: spec.backbone,
                                 pluginCode: catalog.userPluginCode(for: train))
        return Trial(id: config.id, index: index, parameters: point, config: config)
    }

    /// The first `count` distinct points of the seeded random sequence (random search, and TPE's
    /// random startup trials, which are the same draws): trial i is draw i, a draw equal to an
    /// earlier one (possible when every parameter is a list or an integer) is passed over.
    private func sampledTrials(count: Int) -> [Trial] {
        let spec = decoded.spec
        let sampler = RandomSampler(space: spec.searchSpace, seed: spec.search.seed)
        var trials: [Trial] = [], runs: [Trial] = [], seen: Set<String> = []
        var draw = 0
        while trials.count < count && draw < 100 * count + 100 {
            defer { draw += 1 }
            guard let trial = trial(spec.parameters(at: sampler.suggest(index: draw)), index: trials.count) else {
                if diagnostics.count > 20 { break }
                continue
            }
            guard seen.insert(trial.id).inserted else { continue }
            runs += spec.runs(of: trial, firstIndex: runs.count)  // every repeat of every fold, as the grid's
            trials.append(trial)
        }
        return runs
    }

    /// The training settings at one grid point, or nil (with an issue) when they do not fit together.
    private func resolve(_ point: [SweptParameter]) -> TrainConfig? {
        var config = decoded.spec.train
        var swept: [String: String] = [:]  // path -> parameter name
        for p in point {
            guard let parameter = TrainParameters.find(p.name) else { continue }
            TrainParameters.apply(parameter, p.value, to: &config)
            swept[parameter.path] = p.name
        }
        // Where to report a problem involving `paths`: the first swept one's grid key, else the file.
        func blame(_ paths: [String], _ path: String, _ reason: String) {
            if let name = paths.compactMap({ swept[$0] }).first, let location = decoded.grid.locations[name] {
                diagnostics.add(location, decoded.grid.section + "." + name, reason)
                return
            }
            let written = paths.compactMap { decoded.locations[$0] }.first
            let section = paths.compactMap { decoded.locations[String($0.split(separator: ".").prefix(2).joined(separator: "."))] }.first
            diagnostics.add(written ?? section ?? decoded.locations["train"] ?? .argument("train"), path, reason)
        }
        let wd = "train.optimizer.weight_decay"
        if !decoded.explicit.contains(wd) && swept[wd] == nil {
            config.optimizer.weightDecay = OptimizerConfig.defaultWeightDecay(config.optimizer.name)
        }
        var ok = true
        // `widths` gives the hidden layers, `depth` is then their count; the halving widths are
        // kept as `depth` alone, so both spellings of one head are one trial with one id. A
        // swept value wins over a `train:` one, as everywhere; two at the same level must agree.
        if let widths = config.head.widths {
            let widthsSwept = swept["train.head.widths"] != nil, depthSwept = swept["train.head.depth"] != nil
            let depthAtSameLevel = widthsSwept ? depthSwept : (depthSwept || decoded.explicit.contains("train.head.depth"))
            if depthAtSameLevel && config.head.depth != widths.count {
                let reason = depthSwept && !widthsSwept
                    ? "sweeps the depth while train.head.widths fixes the hidden layers (\(widths)); sweep grid.widths instead"
                    : "train.head.depth \(config.head.depth) and train.head.widths \(widths) (\(widths.count) hidden layer(s)) "
                        + "disagree; give one of the two"
                blame(["train.head.depth", "train.head.widths"], "train.head.depth", reason)
                ok = false
            }
            config.head.depth = widths.count
            if widths == HeadConfig.halvingWidths(depth: widths.count) { config.head.widths = nil }
        }
        switch config.schedule.name {
        case .cosine where config.schedule.tMax == nil:
            blame(["train.schedule.name"], "train.schedule.t_max", "required for the cosine schedule")
            ok = false
        case .step where config.schedule.stepSize == nil:
            blame(["train.schedule.name"], "train.schedule.step_size", "required for the step schedule")
            ok = false
        default: break
        }
        if config.optimizer.name == .sgd && config.optimizer.nesterov && config.optimizer.momentum == 0 {
            blame(["train.optimizer.nesterov", "train.optimizer.momentum", "train.optimizer.name"], "train.optimizer.nesterov",
                  "Nesterov momentum needs momentum > 0")
            ok = false
        }
        let lossPaths = ["train.loss.name"] + config.loss.parameters.keys.sorted().map { "train.loss." + $0 }
        do {
            let plugin = try catalog.loss(named: config.loss.name)
            let resolved = try PluginParameters(resolving: config.loss.parameters, against: plugin.parameters,
                                                plugin: config.loss.name)
            config.loss.parameters = resolved.values
        } catch {
            blame(lossPaths.reversed(), "train.loss", "\(error)")
            ok = false
        }
        return ok ? config : nil
    }
}
