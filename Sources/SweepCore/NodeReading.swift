import Foundation

/// Reads typed values out of `SpecNode`s, reporting every problem to `diagnostics` with the
/// node's location and key path, and returning nil for a value that cannot be used.
struct NodeReader {
    let diagnostics: Diagnostics

    func fail(_ node: SpecNode, _ path: String, _ reason: String) {
        diagnostics.add(node.location, path, reason)
    }

    /// The entries of a mapping by key; unknown keys are reported (with a suggestion).
    /// An empty value (`train:` with nothing under it) counts as an empty mapping.
    func mapping(_ node: SpecNode, _ path: String, allowed: [String]) -> [String: SpecNode]? {
        if let s = node.scalar, s.type == .null { return [:] }
        guard let entries = node.entries else {
            fail(node, path, "must be a mapping of keys to values, got \(node.shown)")
            return nil
        }
        var result: [String: SpecNode] = [:]
        for entry in entries {
            guard allowed.contains(entry.key) else {
                diagnostics.add(entry.keyLocation, joinPath(path, entry.key),
                                "unknown key" + didYouMean(entry.key, allowed) + " (allowed: \(allowed.joined(separator: ", ")))")
                continue
            }
            result[entry.key] = entry.value
        }
        return result
    }

    /// A value checked against `rule` (plugin names are only checked to be words here).
    func value(_ node: SpecNode, _ path: String, _ rule: ValueRule) -> SweptValue? {
        switch rule {
        case .integer(let min): return integer(node, path, min: min).map { .number(Double($0)) }
        case .real(let lower, let upper): return real(node, path, lower: lower, upper: upper).map(SweptValue.number)
        case .reals(let lower, let upper):
            guard let items = node.items else { return real(node, path, lower: lower, upper: upper).map(SweptValue.number) }
            guard !items.isEmpty else {
                fail(node, path, "must be a number or a list of numbers (one per class), got an empty list")
                return nil
            }
            var values: [Double] = []
            for (i, item) in items.enumerated() {
                guard let x = real(item, "\(path)[\(i)]", lower: lower, upper: upper) else { return nil }
                values.append(x)
            }
            return .numbers(values)
        case .choice(let choices): return choice(node, path, choices).map(SweptValue.string)
        case .boolean: return bool(node, path).map(SweptValue.bool)
        case .lossName, .path: return word(node, path).map(SweptValue.string)
        case .pluginValue: return pluginValue(node, path)
        case .integers(let min): return integers(node, path, min: min).map { .numbers($0.map(Double.init)) }
        case .weights: return weights(node, path).map(SweptValue.string)
        }
    }

    /// A list of integers, each >= `min` (an empty list is allowed).
    func integers(_ node: SpecNode, _ path: String, min: Int) -> [Int]? {
        guard let items = node.items else {
            fail(node, path, "must be a list of integers, e.g. [1024, 512], got \(node.shown)")
            return nil
        }
        var values: [Int] = []
        for (i, item) in items.enumerated() {
            guard let x = integer(item, "\(path)[\(i)]", min: min) else { return nil }
            values.append(x)
        }
        return values
    }

    /// `imagenet`, `random`, `random:SEED` or a file path (whether the file exists is checked later).
    func weights(_ node: SpecNode, _ path: String) -> String? {
        guard let text = word(node, path) else { return nil }
        if text.hasPrefix("random:"), UInt64(text.dropFirst("random:".count)) == nil {
            fail(node, path, "must be imagenet, random, random:SEED (SEED a non-negative integer) or a weights file, got '\(text)'")
            return nil
        }
        return text
    }

    /// The number a scalar holds, if it is a YAML int or float (`1e-4`, `10`, `1_000`).
    static func number(_ node: SpecNode) -> Double? {
        guard let s = node.scalar, s.type == .int || s.type == .float else { return nil }
        let text = s.text.replacingOccurrences(of: "_", with: "")
        switch text.lowercased() {
        case ".inf", "+.inf": return .infinity
        case "-.inf": return -.infinity
        case ".nan": return .nan
        default: break
        }
        if let x = Double(text) { return x }
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where text.lowercased().hasPrefix(prefix) {
            return Int(text.dropFirst(2), radix: radix).map(Double.init)
        }
        return nil
    }

    func integer(_ node: SpecNode, _ path: String, min: Int) -> Int? {
        guard let x = NodeReader.number(node), x.isFinite, x.rounded() == x, abs(x) < 1e15 else {
            fail(node, path, "must be an integer, got \(node.shown)")
            return nil
        }
        guard Int(x) >= min else {
            fail(node, path, "must be >= \(min), got \(node.shown)")
            return nil
        }
        return Int(x)
    }

    func real(_ node: SpecNode, _ path: String, lower: Bound?, upper: Bound?) -> Double? {
        guard let x = NodeReader.number(node) else {
            fail(node, path, "must be a number, got \(node.shown)")
            return nil
        }
        guard x.isFinite else {
            fail(node, path, "must be a finite number, got \(node.shown)")
            return nil
        }
        let aboveLower = lower.map { $0.inclusive ? x >= $0.value : x > $0.value } ?? true
        let belowUpper = upper.map { $0.inclusive ? x <= $0.value : x < $0.value } ?? true
        guard aboveLower && belowUpper else {
            fail(node, path, "must be \(NodeReader.range(lower, upper)), got \(node.shown)")
            return nil
        }
        return x
    }

    /// `> 0`, `>= 0`, `in [0, 1)`.
    static func range(_ lower: Bound?, _ upper: Bound?) -> String {
        switch (lower, upper) {
        case let (l?, u?):
            return "in \(l.inclusive ? "[" : "(")\(formatted(l.value)), \(formatted(u.value))\(u.inclusive ? "]" : ")")"
        case let (l?, nil): return "\(l.inclusive ? ">=" : ">") \(formatted(l.value))"
        case let (nil, u?): return "\(u.inclusive ? "<=" : "<") \(formatted(u.value))"
        case (nil, nil): return "a number"
        }
    }

    private static func formatted(_ x: Double) -> String { SweptValue.number(x).description }

    func choice(_ node: SpecNode, _ path: String, _ choices: [String]) -> String? {
        guard let text = word(node, path) else { return nil }
        guard choices.contains(text) else {
            fail(node, path, "must be one of \(choices.joined(separator: ", ")), got '\(text)'" + didYouMean(text, choices))
            return nil
        }
        return text
    }

    func bool(_ node: SpecNode, _ path: String) -> Bool? {
        guard let s = node.scalar, s.type == .bool else {
            fail(node, path, "must be true or false, got \(node.shown)")
            return nil
        }
        return ["true", "yes", "on"].contains(s.text.lowercased())
    }

    /// A non-empty scalar's text (numbers are accepted as text: a folder may be called `2024`).
    func word(_ node: SpecNode, _ path: String) -> String? {
        guard let s = node.scalar, s.type != .null, !s.text.isEmpty else {
            fail(node, path, "must be a word, got \(node.shown)")
            return nil
        }
        return s.text
    }

    /// A plugin parameter: number, word, boolean or list of numbers.
    func pluginValue(_ node: SpecNode, _ path: String) -> SweptValue? {
        if let s = node.scalar {
            switch s.type {
            case .bool: return bool(node, path).map(SweptValue.bool)
            case .int, .float:
                guard let x = NodeReader.number(node), x.isFinite else { break }
                return .number(x)
            case .string: return .string(s.text)
            case .null: break
            }
        } else if let items = node.items {
            let xs = items.compactMap { NodeReader.number($0) }.filter(\.isFinite)
            if xs.count == items.count && !xs.isEmpty { return .numbers(xs) }
        }
        fail(node, path, "must be a number, a word, true/false or a list of numbers, got \(node.shown)")
        return nil
    }

    /// The items of a sequence (a single scalar is not accepted as a one-item list).
    func list(_ node: SpecNode, _ path: String) -> [SpecNode]? {
        guard let items = node.items else {
            fail(node, path, "must be a list, e.g. [a, b], got \(node.shown)")
            return nil
        }
        return items
    }
}
