import SweepPluginAPI

/// Reads the `train:` section. Loss parameters are kept as written (the grid may change the
/// loss); metrics are resolved against their plugins here, and the objective's metric is
/// added to `metrics` when it is not listed.
struct TrainDecoder {
    let reader: NodeReader
    let catalog: PluginCatalog

    /// The base settings, which paths the file set explicitly, and where each was written.
    struct Result {
        var config = TrainConfig()
        var explicit: Set<String> = []
        var locations: [String: SpecLocation] = [:]
    }

    static let keys = ["epochs", "batch_size", "head", "optimizer", "schedule", "loss", "metrics", "objective", "threshold"]
    static let sections: [String: (keys: [String], shorthand: String?)] = [
        "head": (["depth", "dropout"], nil),
        "optimizer": (["name", "lr", "weight_decay", "momentum", "nesterov"], "name"),
        "schedule": (["name", "t_max", "eta_min", "step_size", "gamma", "step"], "name"),
    ]

    /// Reads `node` (nil when the file has no `train:`; `fallback` is then where to report).
    func decode(_ node: SpecNode?, fallback: SpecLocation) -> Result {
        var result = Result()
        result.locations["train"] = node?.location ?? fallback
        result.config.metrics = defaultMetrics()
        guard let node else {
            decodeObjective(nil, &result)
            return result
        }
        guard let f = reader.mapping(node, "train", allowed: TrainDecoder.keys) else { return result }
        for key in ["epochs", "batch_size", "threshold"] {
            if let n = f[key] { leaf(n, "train." + key, &result) }
        }
        for section in ["head", "optimizer", "schedule"] {
            guard let n = f[section], let spec = TrainDecoder.sections[section] else { continue }
            let path = "train." + section
            result.locations[path] = n.location
            if let short = spec.shorthand, let s = n.scalar, s.type != .null {
                leaf(n, path + "." + short, &result)
                continue
            }
            guard let fields = reader.mapping(n, path, allowed: spec.keys) else { continue }
            for key in spec.keys { if let v = fields[key] { leaf(v, path + "." + key, &result) } }
        }
        if let n = f["loss"] { decodeLoss(n, &result) }
        if let n = f["metrics"] { decodeMetrics(n, &result) }
        decodeObjective(f["objective"], &result)
        return result
    }

    /// The default metrics that this binary has, with their default parameters.
    private func defaultMetrics() -> [PluginChoice] {
        TrainConfig().metrics.compactMap { choice in
            guard let type = try? catalog.metric(named: choice.name),
                  let resolved = try? PluginParameters(resolving: [:], against: type.parameters, plugin: choice.name) else { return nil }
            return PluginChoice(name: choice.name, parameters: resolved.values)
        }
    }

    /// Reads one parameter at `path` with its rule and sets it.
    private func leaf(_ node: SpecNode, _ path: String, _ result: inout Result) {
        guard let parameter = TrainParameters.at(path: path),
              let value = reader.value(node, path, parameter.rule) else { return }
        TrainParameters.apply(parameter, value, to: &result.config)
        result.explicit.insert(path)
        result.locations[path] = node.location
    }

    private func decodeLoss(_ node: SpecNode, _ result: inout Result) {
        result.locations["train.loss"] = node.location
        guard let choice = plugin(node, "train.loss", kind: .loss) else { return }
        result.config.loss = PluginChoice(name: choice.name, parameters: choice.given.mapValues(\.value.parameterValue))
        result.explicit.insert("train.loss.name")
        for (name, given) in choice.given { result.locations["train.loss." + name] = given.node.location }
    }

    private func decodeMetrics(_ node: SpecNode, _ result: inout Result) {
        guard let items = reader.list(node, "train.metrics") else { return }
        var metrics: [PluginChoice] = []
        for (i, item) in items.enumerated() {
            let path = "train.metrics[\(i)]"
            guard let choice = plugin(item, path, kind: .metric) else { continue }
            if metrics.contains(where: { $0.name == choice.name }) {
                reader.fail(item, path, "metric '\(choice.name)' is listed twice")
                continue
            }
            guard let type = try? catalog.metric(named: choice.name),
                  let resolved = try? PluginParameters(resolving: choice.given.mapValues(\.value.parameterValue),
                                                       against: type.parameters, plugin: choice.name) else { continue }
            metrics.append(PluginChoice(name: choice.name, parameters: resolved.values))
        }
        result.config.metrics = metrics
    }

    private func decodeObjective(_ node: SpecNode?, _ result: inout Result) {
        var objective = Objective()
        var directionGiven = false
        var metricNode = node
        if let node, let s = node.scalar, s.type != .null {
            if let m = reader.word(node, "train.objective.metric") { objective.metric = m }
        } else if let node, let f = reader.mapping(node, "train.objective", allowed: ["metric", "split", "direction"]) {
            metricNode = f["metric"] ?? node
            if let n = f["metric"], let m = reader.word(n, "train.objective.metric") { objective.metric = m }
            if let n = f["split"], let w = reader.choice(n, "train.objective.split", ObjectiveSplit.allCases.map(\.rawValue)),
               let split = ObjectiveSplit(rawValue: w) { objective.split = split }
            if let n = f["direction"],
               let w = reader.choice(n, "train.objective.direction", ObjectiveDirection.allCases.map(\.rawValue)),
               let d = ObjectiveDirection(rawValue: w) {
                objective.direction = d
                directionGiven = true
            }
        }
        if objective.metric == "loss" {
            if !directionGiven { objective.direction = .min }
        } else if let metricNode, !PluginNames.check(objective.metric, kind: .metric, catalog, reader, metricNode, "train.objective.metric") {
            return
        } else if let type = try? catalog.metric(named: objective.metric) {
            if !directionGiven { objective.direction = type.higherIsBetter ? .max : .min }
            if !result.config.metrics.contains(where: { $0.name == objective.metric }),
               let resolved = try? PluginParameters(resolving: [:], against: type.parameters, plugin: objective.metric) {
                result.config.metrics.append(PluginChoice(name: objective.metric, parameters: resolved.values))
            }
        } else if node == nil {
            // The default objective names a metric this binary lacks: reported where `train` (or the file) is.
            reader.diagnostics.add(result.locations["train"] ?? .argument("train"), "train.objective.metric",
                                   "the default objective metric '\(objective.metric)' is not available; name one")
            return
        }
        result.config.objective = objective
    }

    /// A plugin written as `name` or `{name: x, param: value, ...}`, checked against the catalog.
    private func plugin(_ node: SpecNode, _ path: String, kind: PluginKind) -> (name: String, given: [String: (value: SweptValue, node: SpecNode)])? {
        var given: [String: (value: SweptValue, node: SpecNode)] = [:]
        let name: String
        if let s = node.scalar, s.type != .null {
            guard let word = reader.word(node, path) else { return nil }
            name = word
            guard PluginNames.check(name, kind: kind, catalog, reader, node, path) else { return nil }
        } else if let entries = node.entries {
            guard let nameEntry = entries.first(where: { $0.key == "name" }) else {
                reader.fail(node, path + ".name", "required (the \(kind.rawValue) plugin's name)")
                return nil
            }
            guard let word = reader.word(nameEntry.value, path + ".name") else { return nil }
            name = word
            guard PluginNames.check(name, kind: kind, catalog, reader, nameEntry.value, path + ".name") else { return nil }
            let specs = PluginNames.parameters(of: name, kind: kind, catalog)
            for entry in entries where entry.key != "name" {
                let keyPath = path + "." + entry.key
                guard let spec = specs.first(where: { $0.name == entry.key }) else {
                    let known = specs.map(\.name)
                    reader.diagnostics.add(entry.keyLocation, keyPath, "\(kind.rawValue) '\(name)' has no parameter '\(entry.key)'"
                                           + didYouMean(entry.key, known)
                                           + (known.isEmpty ? " (it takes none)" : " (known: \(known.joined(separator: ", ")))"))
                    continue
                }
                guard let value = reader.pluginValue(entry.value, keyPath) else { continue }
                if let problem = spec.problem(with: value.parameterValue) {
                    reader.fail(entry.value, keyPath, problem)
                    continue
                }
                given[entry.key] = (value, entry.value)
            }
        } else {
            reader.fail(node, path, "must be a plugin name or {name: ..., parameters}, got \(node.shown)")
            return nil
        }
        return (name, given)
    }
}

/// Checks plugin names against the catalog.
enum PluginNames {
    /// True when `name` is a known plugin of `kind`; otherwise reports it with the known names.
    static func check(_ name: String, kind: PluginKind, _ catalog: PluginCatalog, _ reader: NodeReader,
                      _ node: SpecNode, _ path: String) -> Bool {
        let known = kind == .loss ? catalog.lossNames : catalog.metricNames
        if known.contains(name) { return true }
        reader.fail(node, path, "unknown \(kind.rawValue) '\(name)'" + didYouMean(name, known)
                    + " (known: \(known.isEmpty ? "none" : known.joined(separator: ", ")))")
        return false
    }

    /// The declared parameters of a known plugin.
    static func parameters(of name: String, kind: PluginKind, _ catalog: PluginCatalog) -> [ParameterSpec] {
        switch kind {
        case .loss: return (try? catalog.loss(named: name))?.parameters ?? []
        case .metric: return (try? catalog.metric(named: name))?.parameters ?? []
        }
    }
}
