/// What spans several keys of a sweep file, settled after they are all read: the data format
/// (inferred from the path unless the file gives it, and then checked against it), whether the
/// data and weights paths exist, and synthesis (only when asked for, and only for MIML). The
/// spec then holds what will run, so `sweep.yaml` and `--dry-run` show it.
struct SpecResolution {
    let reader: NodeReader
    /// Whether a path (relative to the working directory) exists.
    let fileExists: (String) -> Bool

    /// The labels file inside a MIML folder.
    static let mimlLabelsFile = "miml data.mat"

    func resolve(_ decoded: inout SpecDecoder.Decoded) {
        resolveData(&decoded)
        if decoded.spec.data.folds == 1 {
            report(decoded, "data.folds", "must be 0 (the single validation split) or at least 2, got 1")
        }
        if case .file(let path) = decoded.spec.backbone.weights, !fileExists(path) {
            report(decoded, "backbone.weights", "must be imagenet, random, random:SEED or an existing weights file, got '\(path)' "
                   + "(paths are relative to the working directory)" + didYouMean(path, ["imagenet", "random"]))
        }
    }

    /// The format `path` has on disk: csv for a `.csv` name, miml for a folder holding
    /// `miml data.mat` (or that file itself); nil when neither (or it does not exist).
    func format(of path: String) -> DataSpec.Format? {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        if name.lowercased().hasSuffix(".csv") { return .csv }
        if name == Self.mimlLabelsFile || fileExists(path + "/" + Self.mimlLabelsFile) { return .miml }
        return nil
    }

    private func resolveData(_ decoded: inout SpecDecoder.Decoded) {
        var data = decoded.spec.data
        let given = decoded.explicit.contains("data.format") ? data.format : nil
        let path = data.path
        let found = format(of: path)
        if given == .csv && !decoded.explicit.contains("data.path") {
            report(decoded, "data.path", "required for the csv format (the .csv file of image paths and labels)")
            return
        }
        if data.synthesizeIfMissing {
            if given == .csv || found == .csv {
                report(decoded, "data.synthesize_if_missing", "only the miml format can be synthesized; '\(path)' is \(given == .csv ? "given as csv" : "a .csv path")")
                return
            }
            data.format = .miml
        }
        if !fileExists(path) {
            if !data.synthesizeIfMissing {
                report(decoded, "data.path", "'\(path)' does not exist (paths are relative to the working directory sweep runs in, "
                       + "not to the sweep file)" + (given == .miml ? "; set data.synthesize_if_missing: true to generate a "
                                                       + "synthetic stand-in there" : ""))
            }
            data.format = given ?? found ?? data.format
            decoded.spec.data = data
            return
        }
        switch (given, found) {
        case let (g?, f?) where g != f:
            report(decoded, "data.format", "is \(g.rawValue), but '\(path)' is \(f == .csv ? "a .csv file" : "a MIML folder (it holds `\(Self.mimlLabelsFile)`)")")
            return
        case (.miml?, nil):
            report(decoded, "data.path", "'\(path)' has no `\(Self.mimlLabelsFile)`: a MIML folder holds its labels there, beside original_images/")
            return
        case (nil, nil):
            report(decoded, "data.path", "cannot tell what '\(path)' is: give a .csv file or a MIML folder (holding `\(Self.mimlLabelsFile)`), "
                   + "or set data.format")
            return
        default:
            data.format = given ?? found ?? data.format
        }
        decoded.spec.data = data
    }

    /// Reports a problem with `path`, at the value if the file wrote it, else at its section.
    private func report(_ decoded: SpecDecoder.Decoded, _ path: String, _ reason: String) {
        let section = String(path.split(separator: ".").first ?? "")
        let location = decoded.locations[path] ?? decoded.locations[section] ?? decoded.locations[""] ?? .argument(path)
        reader.diagnostics.add(location, path, reason)
    }
}
