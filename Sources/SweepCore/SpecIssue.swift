import Foundation

/// Errors in a sweep file, each one line naming where (file:line:column, or the `--set`
/// argument it came from), the key path and the reason:
/// `sweeps/x.yaml:12:5: train.optimizer.lr: must be > 0, got -0.001`.

/// Where a value of a sweep spec came from.
public enum SpecLocation: Sendable, Hashable, CustomStringConvertible {
    /// A position in a file; line and column start at 1 (columns count Unicode scalars, as libyaml does).
    case file(path: String, line: Int, column: Int)
    /// A command-line override, e.g. `--set train.epochs=3`.
    case argument(String)

    public var description: String {
        switch self {
        case .file(let path, let line, let column): return "\(path):\(line):\(column)"
        case .argument(let text): return "--set \(text)"
        }
    }

    /// The line in the file, or nil for a command-line override.
    public var line: Int? {
        if case .file(_, let line, _) = self { return line }
        return nil
    }
}

/// One problem in a sweep spec.
public struct SpecIssue: Sendable, Hashable, CustomStringConvertible {
    /// Where the offending key or value is.
    public var location: SpecLocation
    /// The dotted key path, e.g. `train.optimizer.lr` or `grid.lr[2]`; empty for YAML syntax errors.
    public var keyPath: String
    /// Why it is wrong.
    public var reason: String

    /// An issue at `location` about `keyPath`.
    public init(_ location: SpecLocation, _ keyPath: String, _ reason: String) {
        self.location = location
        self.keyPath = keyPath
        self.reason = reason
    }

    /// The one-line message `location: key.path: reason`.
    public var description: String {
        let text = keyPath.isEmpty ? "\(location): \(reason)" : "\(location): \(keyPath): \(reason)"
        return text.replacingOccurrences(of: "\n", with: " ")
    }
}

/// All problems found in a sweep spec, in the order they were found.
public struct SpecErrors: Error, Sendable, CustomStringConvertible {
    /// The problems, in the order found.
    public var issues: [SpecIssue]

    /// Wraps `issues`.
    public init(_ issues: [SpecIssue]) { self.issues = issues }

    /// One line per issue.
    public var description: String { issues.map(\.description).joined(separator: "\n") }
}

/// Collects issues while a spec is read, so that every problem is reported, not just the first.
final class Diagnostics {
    private(set) var issues: [SpecIssue] = []

    func add(_ location: SpecLocation, _ keyPath: String, _ reason: String) {
        let issue = SpecIssue(location, keyPath, reason)
        if !issues.contains(issue) { issues.append(issue) }
    }

    var isEmpty: Bool { issues.isEmpty }
    var count: Int { issues.count }
}

/// Joins a parent key path and a key: `join("train", "epochs") == "train.epochs"`.
func joinPath(_ parent: String, _ key: String) -> String {
    parent.isEmpty ? key : parent + "." + key
}
