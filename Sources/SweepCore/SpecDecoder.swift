import Foundation
import SweepPluginAPI

/// Reads a whole sweep file tree into a `SweepSpec`, collecting every problem. The `train:`
/// section is read by `TrainDecoder`, the `grid:` by `GridDecoder`.
struct SpecDecoder {
    let reader: NodeReader
    let catalog: PluginCatalog
    /// Whether a path (relative to the working directory) exists.
    let fileExists: (String) -> Bool
    let defaultWorkers: Int

    static let topKeys = ["name", "data", "backbone", "train", "grid", "workers", "seed", "retries", "trial_timeout", "executor"]
    static let dataKeys = ["format", "path", "synthesize_if_missing", "validation", "split_seed", "stratified"]
    static let backboneKeys = ["name", "weights", "fallback", "cache"]

    /// A decoded spec with what the grid expansion needs to know about where things were written.
    struct Decoded {
        var spec: SweepSpec
        var train: TrainDecoder.Result
        var grid: GridDecoder.Result
    }

    /// The spec read from `root`.
    func decode(_ root: SpecNode) -> Decoded? {
        guard let fields = reader.mapping(root, "", allowed: SpecDecoder.topKeys) else { return nil }
        var spec = SweepSpec(name: decodeName(fields["name"], root: root), workers: defaultWorkers)
        if let node = fields["data"] { spec.data = decodeData(node) }
        if let node = fields["backbone"] { spec.backbone = decodeBackbone(node) }
        let train = TrainDecoder(reader: reader, catalog: catalog).decode(fields["train"], fallback: root.location)
        spec.train = train.config
        var grid = GridDecoder.Result()
        if let node = fields["grid"] {
            grid = GridDecoder(reader: reader, catalog: catalog).decode(node)
            spec.grid = grid.axes
        }
        if let node = fields["workers"], let n = reader.integer(node, "workers", min: 1) { spec.workers = n }
        if let node = fields["seed"], let n = reader.integer(node, "seed", min: 0) { spec.seed = n }
        if let node = fields["retries"], let n = reader.integer(node, "retries", min: 0) { spec.retries = n }
        if let node = fields["trial_timeout"],
           let x = reader.real(node, "trial_timeout", lower: Bound(value: 0, inclusive: false),
                               upper: Bound(value: 1e9, inclusive: true)) {
            spec.trialTimeout = x
        }
        if let node = fields["executor"] { spec.executor = decodeExecutor(node) }
        return Decoded(spec: spec, train: train, grid: grid)
    }

    private func decodeName(_ node: SpecNode?, root: SpecNode) -> String {
        guard let node else {
            reader.diagnostics.add(root.location, "name", "required (the results go to results/<name>/)")
            return ""
        }
        guard let name = reader.word(node, "name") else { return "" }
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
        guard name.unicodeScalars.allSatisfy(allowed.contains), name != ".", name != ".." else {
            reader.fail(node, "name", "must use only letters, digits, '_', '.' and '-' (it names the folder results/<name>/), got '\(name)'")
            return ""
        }
        return name
    }

    private func decodeData(_ node: SpecNode) -> DataSpec {
        var data = DataSpec()
        guard let f = reader.mapping(node, "data", allowed: SpecDecoder.dataKeys) else { return data }
        if let n = f["format"], let word = reader.choice(n, "data.format", DataSpec.Format.allCases.map(\.rawValue)),
           let format = DataSpec.Format(rawValue: word) {
            data.format = format
        }
        data.synthesizeIfMissing = data.format == .miml
        if let n = f["path"], let p = reader.word(n, "data.path") { data.path = p }
        else if f["path"] == nil && data.format == .csv {
            reader.fail(node, "data.path", "required for the csv format (the .csv file of image paths and labels)")
            return data
        }
        if let n = f["synthesize_if_missing"], let b = reader.bool(n, "data.synthesize_if_missing") {
            if b && data.format != .miml {
                reader.fail(n, "data.synthesize_if_missing", "only the miml format can be synthesized")
            }
            data.synthesizeIfMissing = b && data.format == .miml
        }
        if let n = f["validation"],
           let x = reader.real(n, "data.validation", lower: Bound(value: 0, inclusive: false), upper: Bound(value: 1, inclusive: false)) {
            data.validation = x
        }
        if let n = f["split_seed"], let s = reader.integer(n, "data.split_seed", min: 0) { data.splitSeed = s }
        if let n = f["stratified"], let b = reader.bool(n, "data.stratified") { data.stratified = b }
        if !data.synthesizeIfMissing && !fileExists(data.path) {
            let blame = f["path"] ?? f["synthesize_if_missing"] ?? node
            reader.fail(blame, "data.path", "'\(data.path)' does not exist (paths are relative to the working directory)"
                        + (data.format == .miml ? "; set data.synthesize_if_missing: true to generate a synthetic stand-in" : ""))
        }
        return data
    }

    private func decodeBackbone(_ node: SpecNode) -> BackboneSpec {
        var backbone = BackboneSpec()
        guard let f = reader.mapping(node, "backbone", allowed: SpecDecoder.backboneKeys) else { return backbone }
        if let n = f["name"], let name = reader.choice(n, "backbone.name", ["resnet50"]) { backbone.name = name }
        if let n = f["weights"], let w = reader.word(n, "backbone.weights") {
            backbone.weights = BackboneSpec.Weights(w)
            if case .file(let path) = backbone.weights, !fileExists(path) {
                reader.fail(n, "backbone.weights", "must be imagenet, random or an existing weights file, got '\(path)'"
                            + didYouMean(path, ["imagenet", "random"]))
            }
        }
        if let n = f["fallback"], let word = reader.choice(n, "backbone.fallback", BackboneSpec.Fallback.allCases.map(\.rawValue)),
           let fallback = BackboneSpec.Fallback(rawValue: word) {
            backbone.fallback = fallback
        }
        if let n = f["cache"], let c = reader.word(n, "backbone.cache") { backbone.cache = c }
        return backbone
    }
}
