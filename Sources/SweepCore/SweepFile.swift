import Foundation
import SweepPluginAPI
import Yams

/// Loading a sweep file: YAML -> overrides -> validation -> grid expansion, all before any
/// work starts. Every problem found is reported, one line each (`SpecErrors`).
public enum SweepFile {
    /// Reads, overrides, validates and expands the sweep file at `path`.
    ///
    /// - Parameters:
    ///   - path: the sweep file, as the user wrote it (it prefixes every error).
    ///   - overrides: `--set` arguments, `KEY=VALUE` each, applied in order.
    ///   - catalog: the loss and metric plugins that names are checked against.
    ///   - workingDirectory: the folder that relative data and weights paths start from.
    ///   - defaultWorkers: `workers` when the file does not say (the number of cores).
    ///   - resultsRoot: the folder of `<name>/` results (`sweep run --results`); the feature
    ///     cache defaults to `<resultsRoot>/cache`.
    public static func load(path: String, overrides: [String] = [], catalog: PluginCatalog,
                            workingDirectory: String = FileManager.default.currentDirectoryPath,
                            defaultWorkers: Int = ProcessInfo.processInfo.activeProcessorCount,
                            resultsRoot: String = "results") throws(SpecErrors) -> SweepPlan {
        let url = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: workingDirectory, isDirectory: true))
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw SpecErrors([SpecIssue(.file(path: path, line: 1, column: 1), "", "cannot read the sweep file")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw SpecErrors([SpecIssue(.file(path: path, line: 1, column: 1), "", "the sweep file is not UTF-8 text")])
        }
        let exists: (String) -> Bool = { relative in
            let target = URL(fileURLWithPath: relative, relativeTo: URL(fileURLWithPath: workingDirectory, isDirectory: true))
            return FileManager.default.fileExists(atPath: target.path)
        }
        return try parse(text, displayPath: path, overrides: overrides, catalog: catalog,
                         fileExists: exists, defaultWorkers: defaultWorkers, resultsRoot: resultsRoot)
    }

    /// Validates and expands sweep-file text (the pure part of `load`).
    ///
    /// - Parameters:
    ///   - fileExists: whether a data or weights path (relative to the working directory) exists.
    public static func parse(_ text: String, displayPath: String, overrides: [String] = [], catalog: PluginCatalog,
                             fileExists: @escaping (String) -> Bool, defaultWorkers: Int,
                             resultsRoot: String = "results") throws(SpecErrors) -> SweepPlan {
        let diagnostics = Diagnostics()
        let place = Placer.file(displayPath)
        let start = place(line: 1, column: 1)
        guard var root = YAMLLoading.compose(text, place: place, diagnostics: diagnostics) ?? (diagnostics.isEmpty ? .emptyMapping(at: start) : nil) else {
            throw SpecErrors(diagnostics.issues)
        }
        root = Overrides.apply(overrides, to: root, diagnostics: diagnostics)
        let decoder = SpecDecoder(reader: NodeReader(diagnostics: diagnostics), catalog: catalog,
                                  fileExists: fileExists, defaultWorkers: max(1, defaultWorkers), resultsRoot: resultsRoot)
        guard let decoded = decoder.decode(root), diagnostics.isEmpty else { throw SpecErrors(diagnostics.issues) }
        let trials = GridExpansion(decoded: decoded, catalog: catalog, diagnostics: diagnostics).trials()
        guard diagnostics.isEmpty else { throw SpecErrors(diagnostics.issues) }
        return SweepPlan(spec: decoded.spec, trials: trials)
    }
}

extension SweepSpec {
    /// The spec as YAML with every default written out: what `results/<name>/` records as the
    /// resolved sweep file. Loading it again gives the same spec and the same trial ids.
    public func resolvedYAML() throws -> String {
        // Yams codes doubles as `%g` (`3e-1`); rewrite them the way a user writes them (`0.3`).
        let encoded = try YAMLEncoder().encode(self)
        guard let node = try Yams.compose(yaml: encoded) else { return encoded }
        return try Yams.serialize(node: SweepSpec.plainNumbers(node))
    }

    private static func plainNumbers(_ node: Node) -> Node {
        switch node {
        case .scalar(var s):
            if node.tag == Tag(.float), let x = Double(s.string), x.isFinite {
                s.string = SweptValue.number(x).description
            }
            return .scalar(s)
        case .mapping(var m):
            m = Node.Mapping(m.map { (plainNumbers($0.key), plainNumbers($0.value)) }, m.tag, m.style, m.mark)
            return .mapping(m)
        case .sequence(let q):
            return .sequence(Node.Sequence(q.map(plainNumbers), q.tag, .flow, q.mark))
        case .alias:
            return node
        }
    }
}
