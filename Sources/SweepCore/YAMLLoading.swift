import Foundation
import Yams

/// Parses YAML text into a `SpecNode` tree with Yams' composer, turning syntax errors and
/// duplicate keys into one-line `SpecIssue`s.
///
/// Yams (6.2) rejects a mapping with a duplicate key as a whole, naming only the first
/// occurrence and no key path. To report every duplicate at its own line with its path,
/// the first occurrence named by Yams is renamed in a copy of the text to a placeholder
/// and the text is composed again; once it composes, each placeholder is put back and the
/// later occurrences are reported (and dropped, so the rest of the file is still checked).
enum YAMLLoading {
    /// Composes `text`; `place` maps a line and column to a location (file or `--set` argument).
    /// Returns nil (with issues in `diagnostics`) when the text cannot be composed.
    static func compose(_ text: String, place: Placer, diagnostics: Diagnostics) -> SpecNode? {
        var source = text
        var renamed: [String: String] = [:]  // placeholder -> original key
        var edits: [(line: Int, column: Int, delta: Int)] = []
        // Positions in the edited text, mapped back to the original (undoing the latest edit first).
        let place = Placer { line, column in
            var c = column
            for e in edits.reversed() where e.line == line && c > e.column { c -= e.delta }
            return place(line: line, column: c)
        }
        while true {
            do {
                guard let node = try Yams.compose(yaml: source) else { return nil }
                let tree = SpecNode(node, place: place, parentPath: "", diagnostics: diagnostics)
                return renamed.isEmpty ? tree : restore(tree, renamed: renamed, path: "", diagnostics: diagnostics)
            } catch let YamlError.duplicatedKeysInMapping(duplicates, context) {
                let key = duplicates.first ?? ""
                let placeholder = "__sweep_duplicate_\(renamed.count)__"
                guard renamed.count < 100,
                      let edited = rename(key, at: context.mark, to: placeholder, in: source) else {
                    diagnostics.add(place(context.mark), key, "duplicate key '\(key)'")
                    return nil
                }
                renamed[placeholder] = key
                edits.append((context.mark.line, context.mark.column, placeholder.unicodeScalars.count - key.unicodeScalars.count))
                source = edited
            } catch let error as YamlError {
                let (position, reason) = describe(error)
                diagnostics.add(place(line: position?.line ?? 1, column: position?.column ?? 1), "", "malformed YAML: \(reason)")
                return nil
            } catch {
                diagnostics.add(place(line: 1, column: 1), "", "malformed YAML: \(error)")
                return nil
            }
        }
    }

    /// The position and a one-line reason for a Yams error.
    private static func describe(_ error: YamlError) -> ((line: Int, column: Int)?, String) {
        func withContext(_ problem: String, _ context: YamlError.Context?) -> String {
            guard let c = context else { return problem }
            return "\(problem) (\(c.text) at line \(c.mark.line), column \(c.mark.column))"
        }
        switch error {
        case let .scanner(context, problem, mark, _): return ((mark.line, mark.column), withContext(problem, context))
        case let .parser(context, problem, mark, _): return ((mark.line, mark.column), withContext(problem, context))
        case let .composer(context, problem, mark, _): return ((mark.line, mark.column), withContext(problem, context))
        case let .reader(problem, offset, _, yaml):
            return (offset.flatMap { position(ofUTF8Offset: $0, in: yaml) }, problem)
        default: return (nil, "\(error)".split(separator: "\n").first.map(String.init) ?? "unreadable")
        }
    }

    /// The 1-based line and column (in Unicode scalars) of a UTF-8 byte offset.
    private static func position(ofUTF8Offset offset: Int, in text: String) -> (line: Int, column: Int)? {
        let utf8 = text.utf8
        guard let index = utf8.index(utf8.startIndex, offsetBy: offset, limitedBy: utf8.endIndex) else { return nil }
        let before = text.unicodeScalars[text.unicodeScalars.startIndex..<index]
        var line = 1, column = 1
        for s in before {
            if s == "\n" { line += 1; column = 1 } else { column += 1 }
        }
        return (line, column)
    }

    /// Replaces the key `key` that starts at `mark` (possibly after an opening quote) by
    /// `placeholder`; nil when the text there is not that key.
    private static func rename(_ key: String, at mark: Mark, to placeholder: String, in text: String) -> String? {
        var scalars = Array(text.unicodeScalars)
        var line = 1, column = 1, i = 0
        while i < scalars.count && (line, column) != (mark.line, mark.column) {
            if scalars[i] == "\n" { line += 1; column = 1 } else { column += 1 }
            i += 1
        }
        guard (line, column) == (mark.line, mark.column) else { return nil }
        if i < scalars.count && (scalars[i] == "\"" || scalars[i] == "'") { i += 1 }
        let keyScalars = Array(key.unicodeScalars)
        guard !keyScalars.isEmpty, i + keyScalars.count <= scalars.count,
              Array(scalars[i..<(i + keyScalars.count)]) == keyScalars else { return nil }
        scalars.replaceSubrange(i..<(i + keyScalars.count), with: placeholder.unicodeScalars)
        var result = String.UnicodeScalarView()
        result.append(contentsOf: scalars)
        return String(result)
    }

    /// Puts renamed keys back; reports and drops the later occurrences of each duplicated key.
    private static func restore(_ node: SpecNode, renamed: [String: String], path: String,
                                diagnostics: Diagnostics) -> SpecNode {
        switch node.content {
        case .scalar:
            return node
        case .sequence(let items):
            let restored = items.enumerated().map { i, item in
                restore(item, renamed: renamed, path: path + "[\(i)]", diagnostics: diagnostics)
            }
            return SpecNode(content: .sequence(restored), location: node.location)
        case .mapping(let entries):
            var kept: [SpecNode.Entry] = []
            for var entry in entries {
                entry.key = renamed[entry.key] ?? entry.key
                let keyPath = joinPath(path, entry.key)
                if let first = kept.first(where: { $0.key == entry.key }) {
                    let firstLine = first.keyLocation.line.map { " (first at line \($0))" } ?? ""
                    diagnostics.add(entry.keyLocation, keyPath, "duplicate key '\(entry.key)'\(firstLine)")
                    continue
                }
                entry.value = restore(entry.value, renamed: renamed, path: keyPath, diagnostics: diagnostics)
                kept.append(entry)
            }
            return SpecNode(content: .mapping(kept), location: node.location)
        }
    }
}
