/// Command-line overrides, `--set train.epochs=3 --set grid.dropout=[0.1,0.5]`: each value is
/// parsed as YAML (flow style) and replaces the key in the file's tree before validation, so
/// a bad override is reported like a bad file value, at `--set <argument>`.
///
/// Setting a training parameter under `train.` also removes its `grid:` entry, so that
/// `--set train.head.dropout=0.1` fixes a swept dropout (use `--set grid.dropout=[...]` to
/// change the swept values instead). After `grid.`, the rest of the key is one grid key
/// (`grid.loss.gamma`, `grid.train.optimizer.lr`).
enum Overrides {
    /// Sections that may be written as a bare name; an override inside one turns
    /// `loss: bce` into `loss: {name: bce}` first.
    private static let shorthandKey = ["loss": "name", "optimizer": "name", "schedule": "name", "objective": "metric"]

    /// Applies `arguments` (each `KEY=VALUE`) in order to `root`.
    static func apply(_ arguments: [String], to root: SpecNode, diagnostics: Diagnostics) -> SpecNode {
        var root = root
        for argument in arguments {
            let location = SpecLocation.argument(argument)
            guard let equals = argument.firstIndex(of: "=") else {
                diagnostics.add(location, "", "expected KEY=VALUE, e.g. train.epochs=3")
                continue
            }
            let key = String(argument[..<equals])
            var segments = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            if segments.first == "grid" && segments.count > 1 {
                segments = ["grid", segments.dropFirst().joined(separator: ".")]
            }
            guard !key.isEmpty, segments.allSatisfy({ !$0.isEmpty }) else {
                diagnostics.add(location, key, "not a key path (use dots between keys, e.g. train.optimizer.lr)")
                continue
            }
            let valueText = String(argument[argument.index(after: equals)...])
            guard let value = YAMLLoading.compose(valueText, place: .argument(argument), diagnostics: diagnostics)
                    ?? (valueText.trimmingWhitespace.isEmpty ? SpecNode(content: .scalar(.init(text: "", type: .null)), location: location) : nil)
            else { continue }
            guard let updated = set(value, at: segments[...], in: root, path: "", location: location, diagnostics: diagnostics) else {
                continue
            }
            root = updated
            if segments.first == "train", let parameter = TrainParameters.find(key) {
                root = removeGridEntries(for: parameter, from: root)
            }
        }
        return root
    }

    /// `node` with `value` set at `segments`, creating mappings on the way; nil when a
    /// segment runs into a value that is not a mapping.
    private static func set(_ value: SpecNode, at segments: ArraySlice<String>, in node: SpecNode, path: String,
                            location: SpecLocation, diagnostics: Diagnostics) -> SpecNode? {
        guard let key = segments.first else { return value }
        var entries: [SpecNode.Entry]
        switch node.content {
        case .mapping(let e): entries = e
        case .scalar(let s) where s.type == .null: entries = []
        case .scalar(let s) where s.type == .string && shorthandKey[path.split(separator: ".").last.map(String.init) ?? ""] != nil:
            let inner = shorthandKey[path.split(separator: ".").last.map(String.init) ?? ""] ?? "name"
            entries = [SpecNode.Entry(key: inner, keyLocation: node.location, value: node)]
        default:
            diagnostics.add(location, path, "cannot set '\(key)' inside it: it is \(node.shown), not a mapping")
            return nil
        }
        let childPath = joinPath(path, key)
        if let i = entries.firstIndex(where: { $0.key == key }) {
            guard let child = set(value, at: segments.dropFirst(), in: entries[i].value, path: childPath,
                                  location: location, diagnostics: diagnostics) else { return nil }
            entries[i].value = child
        } else {
            guard let child = set(value, at: segments.dropFirst(), in: .emptyMapping(at: location), path: childPath,
                                  location: location, diagnostics: diagnostics) else { return nil }
            entries.append(SpecNode.Entry(key: key, keyLocation: location, value: child))
        }
        return SpecNode(content: .mapping(entries), location: node.location)
    }

    /// `root` without the grid entries that sweep `parameter`.
    private static func removeGridEntries(for parameter: TrainParameter, from root: SpecNode) -> SpecNode {
        guard var top = root.entries, let g = top.firstIndex(where: { $0.key == "grid" }),
              let gridEntries = top[g].value.entries else { return root }
        let kept = gridEntries.filter { TrainParameters.find($0.key)?.path != parameter.path }
        top[g].value = SpecNode(content: .mapping(kept), location: top[g].value.location)
        return SpecNode(content: .mapping(top), location: root.location)
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    var trimmingWhitespace: String {
        String(drop(while: { $0.isWhitespace }).reversed().drop(while: { $0.isWhitespace }).reversed())
    }
}
