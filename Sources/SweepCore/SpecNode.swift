import Yams

/// A YAML tree with the origin of every node: a position in the sweep file, or the
/// `--set` argument that replaced it. Yams' `Node` carries file marks only, and
/// overrides need to name their argument, hence this small copy of the tree.
struct SpecNode {
    /// The resolved YAML type of a scalar (YAML 1.1 core schema, as Yams resolves it).
    enum ScalarType { case string, int, float, bool, null }

    /// A scalar's text and type.
    struct Scalar {
        var text: String
        var type: ScalarType
    }

    /// One `key: value` pair of a mapping, with the key's own location.
    struct Entry {
        var key: String
        var keyLocation: SpecLocation
        var value: SpecNode
    }

    enum Content {
        case scalar(Scalar)
        case mapping([Entry])
        case sequence([SpecNode])
    }

    var content: Content
    var location: SpecLocation

    /// The scalar, if this node is one.
    var scalar: Scalar? {
        if case .scalar(let s) = content { return s }
        return nil
    }

    /// The entries, if this node is a mapping.
    var entries: [Entry]? {
        if case .mapping(let e) = content { return e }
        return nil
    }

    /// The items, if this node is a sequence.
    var items: [SpecNode]? {
        if case .sequence(let s) = content { return s }
        return nil
    }

    /// The value under `key`, if this node is a mapping holding it.
    subscript(key: String) -> SpecNode? {
        entries?.first { $0.key == key }?.value
    }

    /// A short rendering of the node for error messages: `'abc'`, `-0.001`, `a list`, `a mapping`.
    var shown: String {
        switch content {
        case .scalar(let s):
            switch s.type {
            case .null: return "an empty value"
            case .string: return "'\(s.text)'"
            default: return s.text
            }
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        }
    }

    /// An empty mapping at `location` (used when an override creates a section).
    static func emptyMapping(at location: SpecLocation) -> SpecNode {
        SpecNode(content: .mapping([]), location: location)
    }
}

/// Turns a 1-based line and column of some YAML text into a location: a position in the
/// sweep file, or (for the text of a `--set` value) the argument itself.
struct Placer {
    let locate: (_ line: Int, _ column: Int) -> SpecLocation

    func callAsFunction(line: Int, column: Int) -> SpecLocation { locate(line, column) }

    /// The location of a Yams mark (1:1 when the mark is missing).
    func callAsFunction(_ mark: Mark?) -> SpecLocation { locate(mark?.line ?? 1, mark?.column ?? 1) }

    /// Positions in the file at `path`.
    static func file(_ path: String) -> Placer { Placer { .file(path: path, line: $0, column: $1) } }

    /// Every position of a `--set` value is the argument itself.
    static func argument(_ text: String) -> Placer { Placer { _, _ in .argument(text) } }
}

extension SpecNode {
    /// Converts a composed Yams node. `place` turns a Yams mark into a location; keys that
    /// are not scalars are reported to `diagnostics` and dropped.
    init(_ node: Node, place: Placer, parentPath: String, diagnostics: Diagnostics) {
        let location = place(node.mark)
        switch node {
        case .scalar(let s):
            self.init(content: .scalar(Scalar(text: s.string, type: SpecNode.type(of: node))), location: location)
        case .sequence(let seq):
            let items = seq.enumerated().map { i, item in
                SpecNode(item, place: place, parentPath: parentPath + "[\(i)]", diagnostics: diagnostics)
            }
            self.init(content: .sequence(items), location: location)
        case .mapping(let map):
            var entries: [Entry] = []
            for (k, v) in map {
                guard case .scalar(let key) = k else {
                    diagnostics.add(place(k.mark), parentPath, "keys must be plain words, got a \(k.isMapping ? "mapping" : "list")")
                    continue
                }
                let path = joinPath(parentPath, key.string)
                entries.append(Entry(key: key.string, keyLocation: place(k.mark),
                                     value: SpecNode(v, place: place, parentPath: path, diagnostics: diagnostics)))
            }
            self.init(content: .mapping(entries), location: location)
        case .alias(let alias):
            // The composer dereferences aliases itself; a bare alias node is not expected here.
            diagnostics.add(location, parentPath, "unresolved alias '*\(alias.anchor)'")
            self.init(content: .scalar(Scalar(text: "", type: .null)), location: location)
        }
    }

    private static func type(of node: Node) -> ScalarType {
        switch node.tag.rawValue {
        case Tag.Name.int.rawValue: return .int
        case Tag.Name.float.rawValue: return .float
        case Tag.Name.bool.rawValue: return .bool
        case Tag.Name.null.rawValue: return .null
        default: return .string
        }
    }
}

private extension Node {
    var isMapping: Bool {
        if case .mapping = self { return true }
        return false
    }
}
