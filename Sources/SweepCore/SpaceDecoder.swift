import SweepSearch

/// Reads a distribution of the `grid:` (or `space:`) section: `{uniform: [a, b]}`,
/// `{log_uniform: [a, b]}`, `{int: [a, b], step: s}`, `{log_int: [a, b]}`. Both bounds are
/// checked by the parameter's own rule (a learning rate's must be > 0, a dropout's in [0, 1)),
/// and the distribution by itself (low < high, log bounds > 0, the step dividing the range).
extension GridDecoder {
    static let distributionKinds = ["uniform", "log_uniform", "int", "log_int"]

    func distribution(_ node: SpecNode, _ path: String, _ parameter: TrainParameter) -> Distribution? {
        let entries = node.entries ?? []
        let kinds = entries.filter { GridDecoder.distributionKinds.contains($0.key) }
        for entry in entries where !GridDecoder.distributionKinds.contains(entry.key) && entry.key != "step" {
            reader.diagnostics.add(entry.keyLocation, path + "." + entry.key, "unknown key" + didYouMean(entry.key, GridDecoder.distributionKinds + ["step"])
                                   + " (a distribution is one of {uniform: [a, b]}, {log_uniform: [a, b]}, {int: [a, b], step: s}, {log_int: [a, b]})")
            return nil
        }
        guard kinds.count == 1, let kind = kinds.first else {
            reader.fail(node, path, kinds.isEmpty
                        ? "a distribution needs one of uniform, log_uniform, int, log_int, e.g. {log_uniform: [1e-5, 1e-1]}"
                        : "give one distribution, not \(kinds.map(\.key).joined(separator: " and "))")
            return nil
        }
        let stepEntry = entries.first { $0.key == "step" }
        if let stepEntry, kind.key != "int" {
            reader.diagnostics.add(stepEntry.keyLocation, path + ".step", "only an int distribution takes a step")
            return nil
        }
        let kindPath = path + "." + kind.key
        switch parameter.rule {
        case .real, .reals, .integer, .pluginValue: break
        default:
            reader.fail(node, path, "\(parameter.name) takes a list of values (\(parameter.rule.text)), not a distribution")
            return nil
        }
        let isInteger = kind.key == "int" || kind.key == "log_int"
        if case .integer = parameter.rule, !isInteger {
            reader.fail(kind.value, kindPath, "\(parameter.name) is an integer: use {int: [a, b]} or {log_int: [a, b]}")
            return nil
        }
        guard let items = kind.value.items, items.count == 2 else {
            reader.fail(kind.value, kindPath, "must be a list of two bounds [low, high], got \(kind.value.shown)")
            return nil
        }
        // each bound by the parameter's rule (integers by `integer`, reals by their range)
        var bounds: [Double] = []
        for (i, item) in items.enumerated() {
            let itemPath = "\(kindPath)[\(i)]"
            switch parameter.rule {
            case .integer(let min):
                guard let x = reader.integer(item, itemPath, min: min) else { return nil }
                bounds.append(Double(x))
            case .real(let lower, let upper), .reals(let lower, let upper):
                if isInteger {
                    guard let x = reader.integer(item, itemPath, min: Int.min) else { return nil }
                    bounds.append(Double(x))
                }
                guard let x = reader.real(item, itemPath, lower: lower, upper: upper) else { return nil }
                if !isInteger { bounds.append(x) }
            default:
                if isInteger {
                    guard let x = reader.integer(item, itemPath, min: Int.min) else { return nil }
                    bounds.append(Double(x))
                } else {
                    guard let x = reader.real(item, itemPath, lower: nil, upper: nil) else { return nil }
                    bounds.append(x)
                }
            }
        }
        var step = 1
        if let stepEntry {
            guard let s = reader.integer(stepEntry.value, path + ".step", min: 1) else { return nil }
            step = s
        }
        let distribution: Distribution
        switch kind.key {
        case "uniform": distribution = .uniform(low: bounds[0], high: bounds[1])
        case "log_uniform": distribution = .logUniform(low: bounds[0], high: bounds[1])
        case "int": distribution = .int(low: Int(bounds[0]), high: Int(bounds[1]), step: step)
        default: distribution = .logInt(low: Int(bounds[0]), high: Int(bounds[1]))
        }
        if let problem = distribution.problem {
            reader.fail(kind.value, kindPath, problem)
            return nil
        }
        return distribution
    }
}

extension SpecDecoder {
    /// What spans `search:` and the grid: distributions need random or tpe; a pruner needs epochs to judge.
    func checkSearch(_ decoded: inout Decoded) {
        let spec = decoded.spec
        let section = decoded.grid.section
        if spec.search.method == .grid {
            for axis in spec.grid where axis.distribution != nil {
                reader.diagnostics.add(decoded.grid.locations[axis.name] ?? decoded.locations[section] ?? .argument(section),
                                       section + "." + axis.name,
                                       "a distribution is drawn from, not enumerated: set search.method to random or tpe, or give a list")
            }
        }
        if spec.race {
            let at = decoded.locations["race"] ?? .argument("race")
            if spec.repeats <= 1 && spec.data.folds <= 1 {
                reader.diagnostics.add(at, "race", "races configurations over their runs: needs repeats > 1 or data.folds > 1")
            } else if spec.search.method == .tpe {
                reader.diagnostics.add(at, "race", "races a planned set of configurations: use the grid or random search, not tpe")
            } else if spec.pruner.method != .none {
                reader.diagnostics.add(at, "race", "race and pruner both stop work early: choose one (pruner.method none, or race false)")
            } else if spec.executor.kind == .slurm {
                // the Slurm driver queues every run it may start before it polls: a round that waits would never end
                reader.diagnostics.add(at, "race", "not available with executor.kind slurm yet (its driver queues all runs at "
                                       + "once, a race hands them out round by round); use the local executor")
            }
        }
        if spec.search.method != .grid && spec.grid.isEmpty && decoded.locations[section] == nil {
            reader.diagnostics.add(decoded.locations["search.method"] ?? decoded.locations["search"] ?? .argument("search"),
                                   "search.method", "\(spec.search.method.rawValue) search needs parameters under grid (or space) to draw")
        }
    }
}
