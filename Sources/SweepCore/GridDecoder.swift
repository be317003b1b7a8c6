import SweepPluginAPI

/// Reads the `grid:` section: training parameters (by short name or full path) mapped to
/// non-empty lists of distinct values, each checked by the parameter's rule.
struct GridDecoder {
    let reader: NodeReader
    let catalog: PluginCatalog
    /// `grid` or `space`, as the file calls the section.
    var section = "grid"

    /// The axes in file order, and where each axis' key is written.
    struct Result {
        var axes: [GridAxis] = []
        var locations: [String: SpecLocation] = [:]
        /// `grid` or `space`.
        var section = "grid"
    }

    /// Keys of the file that are not training parameters, to explain why they cannot be swept.
    private static let notTraining: Set<String> = {
        let other = SpecSchema.keys.filter { !$0.path.hasPrefix("train.") || $0.path.hasPrefix("train.metrics")
            || $0.path.hasPrefix("train.objective") }
        return Set(other.map(\.path) + other.map(\.key) + ["metrics", "objective"])
    }()

    func decode(_ node: SpecNode) -> Result {
        var result = Result(section: section)
        if let s = node.scalar, s.type == .null { return result }
        guard let entries = node.entries else {
            reader.fail(node, section, "must be a mapping of training parameters to lists of values or distributions, got \(node.shown)")
            return result
        }
        var seenAt: [String: (key: String, location: SpecLocation)] = [:]
        for entry in entries {
            let path = section + "." + entry.key
            guard let parameter = TrainParameters.find(entry.key) else {
                let reason = GridDecoder.notTraining.contains(entry.key)
                    ? "'\(entry.key)' is not a training parameter; only train settings can be swept"
                    : "unknown training parameter '\(entry.key)'" + didYouMean(entry.key, TrainParameters.allSpellings)
                reader.diagnostics.add(entry.keyLocation, path,
                                       reason + " (e.g. \(TrainParameters.all.map(\.name).joined(separator: ", ")), loss.<parameter>)")
                continue
            }
            if let earlier = seenAt[parameter.path] {
                let line = earlier.location.line.map { " at line \($0)" } ?? ""
                reader.diagnostics.add(entry.keyLocation, path, "sweeps \(parameter.path), as '\(earlier.key)'\(line) already does")
                continue
            }
            seenAt[parameter.path] = (entry.key, entry.keyLocation)
            if entry.value.entries != nil {
                guard let distribution = distribution(entry.value, path, parameter) else { continue }
                result.axes.append(GridAxis(name: parameter.name, path: parameter.path, distribution: distribution))
                result.locations[parameter.name] = entry.keyLocation
                continue
            }
            guard let items = reader.list(entry.value, path) else { continue }
            guard !items.isEmpty else {
                reader.fail(entry.value, path, "empty list: give at least one value")
                continue
            }
            var values: [SweptValue] = []
            for (i, item) in items.enumerated() {
                let itemPath = "\(path)[\(i)]"
                guard let value = reader.value(item, itemPath, parameter.rule) else { continue }
                if case .lossName = parameter.rule,
                   !PluginNames.check(value.string ?? "", kind: .loss, catalog, reader, item, itemPath) { continue }
                if values.contains(value) {
                    reader.fail(item, itemPath, "repeats the value \(value)")
                    continue
                }
                values.append(value)
            }
            guard values.count == items.count else { continue }
            result.axes.append(GridAxis(name: parameter.name, path: parameter.path, values: values))
            result.locations[parameter.name] = entry.keyLocation
        }
        return result
    }
}
