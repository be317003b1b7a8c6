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
            var isDirectory: ObjCBool = false
            let reason = !FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) ? "no such sweep file"
                : isDirectory.boolValue ? "is a folder, not a sweep file" : "cannot read the sweep file (permissions?)"
            throw SpecErrors([SpecIssue(.file(path: path, line: 1, column: 1), "", reason)])
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
        // each swept parameter's key too (`grid.threshold`), for checks made once the data is known
        var locations = decoded.locations
        for (name, location) in decoded.grid.locations { locations[decoded.grid.section + "." + name] = location }
        var plan = SweepPlan(spec: decoded.spec, trials: trials, locations: locations)
        plan.makeTrial = { point, index in
            GridExpansion(decoded: decoded, catalog: catalog, diagnostics: Diagnostics()).trial(point, index: index)
        }
        return plan
    }
}

extension SweepSpec {
    /// The spec as YAML with every default written out: what `results/<name>/` records as the
    /// resolved sweep file. Loading it again gives the same spec and the same trial ids.
    public func resolvedYAML() throws -> String {
        // YAMLEncoder keeps the keys in order but writes doubles with 15 significant digits
        // (0.00021544346900318823 came back as 0.000215443469003188: another trial id);
        // JSONEncoder writes every double in its shortest round-trip form but may reorder keys.
        // So the YAML tree is kept and each of its numbers is taken from the JSON (which is
        // YAML too), then written the way a user writes it (`0.3`, not `3e-1`).
        let encoded = try YAMLEncoder().encode(self)
        guard let node = try Yams.compose(yaml: encoded) else { return encoded }
        let exact = try Yams.compose(yaml: String(decoding: try JSONEncoder().encode(self), as: UTF8.self))
        var plain = SweepSpec.plainNumbers(node, exact: exact)
        // `train.threshold: tune` is a spec setting, not a training one (the runs keep 0.5)
        if thresholdTune, case .mapping(var top) = plain, case .mapping(var train)? = top["train"] {
            train["threshold"] = Node("tune")
            top["train"] = .mapping(train)
            plain = .mapping(top)
        }
        // per-class thresholds are written as the file writes them: `threshold: [..]`
        if case .mapping(var top) = plain, case .mapping(var train)? = top["train"], let list = train["thresholds"] {
            train["threshold"] = list
            train["thresholds"] = nil
            top["train"] = .mapping(train)
            plain = .mapping(top)
        }
        return try Yams.serialize(node: plain)
    }

    /// `node` with every float written in plain form, its digits from the same place of `exact`.
    private static func plainNumbers(_ node: Node, exact: Node?) -> Node {
        switch node {
        case .scalar(var s):
            let digits = exact?.scalar?.string ?? s.string
            if node.tag == Tag(.float), let x = Double(digits) ?? Double(s.string), x.isFinite {
                s.string = SweptValue.number(x).description
            }
            return .scalar(s)
        case .mapping(var m):
            m = Node.Mapping(m.map { key, value in
                (key, plainNumbers(value, exact: key.string.flatMap { exact?.mapping?[$0] }))
            }, m.tag, m.style, m.mark)
            return .mapping(m)
        case .sequence(let q):
            let others = exact?.sequence.map(Array.init) ?? []
            return .sequence(Node.Sequence(q.enumerated().map { i, item in
                plainNumbers(item, exact: i < others.count ? others[i] : nil)
            }, q.tag, .flow, q.mark))
        case .alias:
            return node
        }
    }
}
