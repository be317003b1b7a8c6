import Foundation
import SweepPluginAPI

/// Reads a whole sweep file tree into a `SweepSpec`, collecting every problem. The tree is
/// walked with the key table (`SpecSchema`): each mapping's allowed keys, each value's rule and
/// setter come from it. Plugin choices, metrics and the objective are read by `TrainDecoder`,
/// the grid by `GridDecoder`; what spans several keys (the data format, paths that must exist)
/// is resolved after the walk (`SpecResolution`).
struct SpecDecoder {
    let reader: NodeReader
    let catalog: PluginCatalog
    /// Whether a path (relative to the working directory) exists.
    let fileExists: (String) -> Bool
    let defaultWorkers: Int
    /// The folder holding `<name>/` results (`sweep run --results`), where the cache goes by default.
    var resultsRoot = "results"

    /// A decoded spec with what the grid expansion needs to know about where things were written.
    struct Decoded {
        var spec: SweepSpec
        /// Key paths the file (or a `--set`) gave a value.
        var explicit: Set<String> = []
        /// Where each key path and section was written.
        var locations: [String: SpecLocation] = [:]
        var grid = GridDecoder.Result()
    }

    /// The spec read from `root`.
    func decode(_ root: SpecNode) -> Decoded? {
        guard root.entries != nil || root.scalar?.type == .null else {
            reader.fail(root, "", "a sweep file must be a mapping of keys to values, got \(root.shown)")
            return nil
        }
        var decoded = Decoded(spec: SweepSpec(name: "", workers: defaultWorkers))
        decoded.locations[""] = root.location
        decoded.locations["train"] = root.location
        decoded.spec.backbone.cache = resultsRoot + "/cache"
        let train = TrainDecoder(reader: reader, catalog: catalog)
        decoded.spec.train.metrics = train.defaultMetrics()
        var objective: SpecNode?
        var named = false
        walk(root, path: "", into: &decoded) { path, node, decoded in
            switch path {
            case "name":
                named = true
                decoded.spec.name = decodeName(node)
            case "train.loss": train.decodeLoss(node, &decoded)
            case "train.metrics": train.decodeMetrics(node, &decoded)
            case "train.objective": objective = node
            case "grid":
                decoded.grid = GridDecoder(reader: reader, catalog: catalog).decode(node)
                decoded.spec.grid = decoded.grid.axes
            case "executor": decoded.spec.executor = decodeExecutor(node)
            default: break
            }
        }
        if !named { reader.diagnostics.add(root.location, "name", "required (the results go to results/<name>/)") }
        train.decodeObjective(objective, &decoded)
        SpecResolution(reader: reader, fileExists: fileExists).resolve(&decoded)
        return decoded
    }

    /// Reads the mapping `node` at `path` with the keys the table lists under it, in file order;
    /// `custom` receives the keys the table marks as read by their own code.
    private func walk(_ node: SpecNode, path: String, into decoded: inout Decoded,
                      custom: (String, SpecNode, inout Decoded) -> Void) {
        let children = SpecSchema.children(of: path)
        if !path.isEmpty { decoded.locations[path] = node.location }
        if case .section(let shorthand?)? = SpecSchema.key(path)?.reading, let s = node.scalar, s.type != .null,
           let key = children.first(where: { $0.key == shorthand }) {
            read(key, node, into: &decoded, custom: custom)
            return
        }
        guard reader.mapping(node, path, allowed: children.map(\.key)) != nil else { return }
        for entry in node.entries ?? [] {
            guard let key = children.first(where: { $0.key == entry.key }) else { continue }  // reported by mapping()
            read(key, entry.value, into: &decoded, custom: custom)
        }
    }

    private func read(_ key: SpecKey, _ node: SpecNode, into decoded: inout Decoded,
                      custom: (String, SpecNode, inout Decoded) -> Void) {
        switch key.reading {
        case .section:
            walk(node, path: key.path, into: &decoded, custom: custom)
        case .value(_, _) where key.path == "train.threshold" && node.scalar?.text == "tune":
            decoded.spec.thresholdTune = true
            decoded.explicit.insert(key.path)
            decoded.locations[key.path] = node.location
        case .value(let rule, let set):
            guard let value = reader.value(node, key.path, rule) else { return }
            set(&decoded.spec, value)
            decoded.explicit.insert(key.path)
            decoded.locations[key.path] = node.location
        case .custom:
            decoded.locations[key.path] = node.location
            custom(key.path, node, &decoded)
        }
    }

    private func decodeName(_ node: SpecNode) -> String {
        guard let name = reader.word(node, "name") else { return "" }
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
        guard name.unicodeScalars.allSatisfy(allowed.contains), name != ".", name != ".." else {
            reader.fail(node, "name", "must use only letters, digits, '_', '.' and '-' (it names the folder results/<name>/), got '\(name)'")
            return ""
        }
        return name
    }
}
