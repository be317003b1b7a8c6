// PluginRegistryGenerator: run by the PluginRegistry build-tool plugin over one module's Swift
// files. It finds the module's top-level types that declare `LossPlugin` or `MetricPlugin` in
// their inheritance clause (`struct|class|enum|actor X: ...` or `extension X: ...`) and the one
// type declaring `PluginList`, and writes
//     extension <PluginList type> {
//         static var registrations: [PluginRegistration] { [PluginRegistration(X.self, codeIdentity: "sha256:...", files: [...]), ...] }
//     }
// so that no list of plugins is kept by hand, and each plugin carries the identity of its source
// (CodeIdentity.swift), which changes when the plugin's code does.
//
// Usage: PluginRegistryGenerator [--root MODULE_FOLDER] OUTPUT.swift INPUT.swift...
// (without --root, the module's folder is the deepest folder holding every input)
// Diagnostics are printed as `path:line: warning|error: ...`, which SwiftPM shows in the build log.
import Foundation

/// One type declaration or extension found in a file.
struct Declaration {
    var name: String
    var modifiers: String
    var conformances: [String]
    var isGeneric: Bool
    /// Declared inside another type or a function body (the registry lists top-level types only).
    var isNested: Bool
    var file: String
    var line: Int
}

let pattern = #"((?:(?:public|internal|package|private|fileprivate|final|open|nonisolated|@[A-Za-z_]+)\s+)*)"#
    + #"\b(struct|class|enum|actor|extension)\s+([A-Za-z_][A-Za-z0-9_.]*)\s*(<[^{]*?>)?\s*:\s*([^{]*)\{"#

/// The declarations with an inheritance clause in `path`, top-level or nested.
func declarations(in path: String) throws -> [Declaration] {
    let source = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    let blanked = SourceBlanking.blank(source)
    let depths = SourceBlanking.braceDepths(blanked)
    let code = String(decoding: blanked, as: UTF8.self)
    let regex = try Regex(pattern)
    var found: [Declaration] = []
    for match in code.matches(of: regex) {
        guard let keywordRange = match.output[2].range else { continue }
        let offset = code.utf8.distance(from: code.startIndex, to: keywordRange.lowerBound)
        guard offset < depths.count else { continue }
        let name = match.output[3].substring.map(String.init) ?? ""
        let modifiers = match.output[1].substring.map(String.init) ?? ""
        var clause = match.output[5].substring.map(String.init) ?? ""
        if let w = clause.range(of: #"\bwhere\b"#, options: .regularExpression) { clause = String(clause[..<w.lowerBound]) }
        let conformances = clause.split(separator: ",").map {
            String($0.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").last ?? "")
        }
        let line = blanked[..<offset].reduce(1) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        found.append(Declaration(name: name, modifiers: modifiers, conformances: conformances,
                                 isGeneric: match.output[4].substring != nil, isNested: depths[offset] > 0,
                                 file: path, line: line))
    }
    return found
}

/// `text` as a Swift string literal.
func literal(_ text: String) -> String {
    "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
}

func diagnose(_ d: Declaration, _ kind: String, _ message: String) {
    FileHandle.standardError.write(Data("\(d.file):\(d.line): \(kind): \(message)\n".utf8))
}

var arguments = Array(CommandLine.arguments.dropFirst())
var root: String?
if arguments.first == "--root", arguments.count > 1 {
    root = arguments[1]
    arguments.removeFirst(2)
}
guard let output = arguments.first else {
    FileHandle.standardError.write(Data("usage: PluginRegistryGenerator [--root MODULE_FOLDER] OUTPUT.swift INPUT.swift...\n".utf8))
    exit(2)
}
let inputs = arguments.dropFirst().filter { $0 != output }.sorted()
let moduleFolder = root ?? CodeIdentity.commonFolder(inputs)
var plugins: [String: Declaration] = [:]
var lists: [Declaration] = []
/// The files with a top-level declaration (or extension) of each type name.
var declaringFiles: [String: Set<String>] = [:]
for path in inputs {
    for d in try declarations(in: path) {
        if !d.isNested { declaringFiles[d.name, default: []].insert(d.file) }
        if d.conformances.contains("PluginList") && !d.isNested { lists.append(d) }
        guard d.conformances.contains("LossPlugin") || d.conformances.contains("MetricPlugin") else { continue }
        if d.isNested {
            diagnose(d, "warning", "'\(d.name)' is nested in another declaration and cannot be registered as a plugin; declare it at the top level of its file")
        } else if d.isGeneric {
            diagnose(d, "warning", "'\(d.name)' is generic and cannot be registered as a plugin")
        } else if d.modifiers.contains("private") {
            diagnose(d, "warning", "'\(d.name)' is private and cannot be registered; make it internal or public")
        } else {
            plugins[d.name] = plugins[d.name] ?? d
        }
    }
}
guard lists.count == 1, let list = lists.first else {
    let places = lists.map { "\($0.file):\($0.line)" }.joined(separator: ", ")
    FileHandle.standardError.write(Data("error: expected exactly one type conforming to PluginList in the module, found \(lists.count) \(places)\n".utf8))
    exit(1)
}
let access = list.modifiers.contains("public") ? "public " : ""
var text = """
    // Generated by the PluginRegistry build-tool plugin (Sources/PluginRegistryGenerator). Do not edit.
    import SweepPluginAPI

    extension \(list.name) {
        /// Every plugin type declared in this module, with the identity of its source code.
        \(access)static var registrations: [PluginRegistration] {
            [

    """
for (name, _) in plugins.sorted(by: { $0.key < $1.key }) {
    let files = CodeIdentity.files(declaring: (declaringFiles[name] ?? []).sorted(), root: moduleFolder, inputs: inputs)
    let identity = try CodeIdentity.hash(files)
    let names = files.map { literal(CodeIdentity.relativePath($0.path, to: moduleFolder)) }.joined(separator: ", ")
    text += "            PluginRegistration(\(name).self, codeIdentity: \"\(identity)\", files: [\(names)]),\n"
}
text += "        ]\n    }\n}\n"
if (try? String(contentsOfFile: output, encoding: .utf8)) != text {
    try text.write(toFile: output, atomically: true, encoding: .utf8)
}
