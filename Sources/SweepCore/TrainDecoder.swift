import SweepPluginAPI

/// Reads the parts of `train:` that name plugins: the loss (parameters kept as written, since
/// the grid may change the loss), the metrics (resolved against their plugins) and the
/// objective (its metric added to `metrics` when not listed). The rest of `train:` is read by
/// `SpecDecoder` with the key table.
struct TrainDecoder {
    let reader: NodeReader
    let catalog: PluginCatalog

    /// The default metrics that this binary has, with their default parameters.
    func defaultMetrics() -> [PluginChoice] {
        TrainConfig().metrics.compactMap { choice in
            guard let type = try? catalog.metric(named: choice.name),
                  let resolved = try? PluginParameters(resolving: [:], against: type.parameters, plugin: choice.name) else { return nil }
            return PluginChoice(name: choice.name, parameters: resolved.values)
        }
    }

    func decodeLoss(_ node: SpecNode, _ result: inout SpecDecoder.Decoded) {
        result.locations["train.loss"] = node.location
        guard let choice = plugin(node, "train.loss", kind: .loss) else { return }
        result.spec.train.loss = PluginChoice(name: choice.name, parameters: choice.given.mapValues(\.value.parameterValue))
        result.explicit.insert("train.loss.name")
        for (name, given) in choice.given { result.locations["train.loss." + name] = given.node.location }
    }

    func decodeMetrics(_ node: SpecNode, _ result: inout SpecDecoder.Decoded) {
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
        result.spec.train.metrics = metrics
    }

    func decodeObjective(_ node: SpecNode?, _ result: inout SpecDecoder.Decoded) {
        var objective = Objective()
        var directionGiven = false
        var metricNode = node
        if let node, let s = node.scalar, s.type != .null {
            if let m = reader.word(node, "train.objective.metric") { objective.metric = m }
        } else if let node, let f = reader.mapping(node, "train.objective", allowed: ["metric", "split", "direction", "last_epochs"]) {
            metricNode = f["metric"] ?? node
            if let n = f["metric"], let m = reader.word(n, "train.objective.metric") { objective.metric = m }
            if let n = f["split"], let w = reader.choice(n, "train.objective.split", ObjectiveSplit.allCases.map(\.rawValue)),
               let split = ObjectiveSplit(rawValue: w) { objective.split = split }
            if let n = f["last_epochs"], let k = reader.integer(n, "train.objective.last_epochs", min: 0) {
                objective.lastEpochs = k == 0 ? nil : k
            }
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
            if !result.spec.train.metrics.contains(where: { $0.name == objective.metric }),
               let resolved = try? PluginParameters(resolving: [:], against: type.parameters, plugin: objective.metric) {
                result.spec.train.metrics.append(PluginChoice(name: objective.metric, parameters: resolved.values))
            }
        } else if node == nil {
            // The default objective names a metric this binary lacks: reported where `train` (or the file) is.
            reader.diagnostics.add(result.locations["train"] ?? .argument("train"), "train.objective.metric",
                                   "the default objective metric '\(objective.metric)' is not available; name one")
            return
        }
        result.spec.train.objective = objective
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
