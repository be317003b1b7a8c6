/// Parameters that a plugin takes from a sweep file, e.g. `loss: {name: focal, gamma: 2}`.

/// A value given to a plugin parameter in a sweep file.
public enum ParameterValue: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A number (`gamma: 2`).
    case number(Double)
    /// A word (`pos_weight: auto`).
    case string(String)
    /// `true` or `false`.
    case bool(Bool)
    /// A list of numbers (`pos_weight: [1, 2.5, 3]`).
    case numbers([Double])

    /// The value as a sweep file would write it (`2`, `auto`, `[1, 2.5]`).
    public var description: String {
        switch self {
        case .number(let x): return formatNumber(x)
        case .string(let s): return s
        case .bool(let b): return b ? "true" : "false"
        case .numbers(let xs): return "[" + xs.map(formatNumber).joined(separator: ", ") + "]"
        }
    }
}

/// Formats a number the way a user wrote it: `2` not `2.0`, `0.001` not `1e-03`.
public func formatNumber(_ x: Double) -> String {
    if x.rounded() == x && abs(x) < 1e15 { return String(Int64(x)) }
    return "\(x)"
}

/// What a parameter accepts.
public enum ParameterKind: String, Sendable, Hashable, Codable {
    /// A number (optionally within the spec's `range`).
    case number
    /// A word (one of the spec's `choices` when it lists some).
    case string
    /// `true` or `false`.
    case bool
    /// A list of numbers (a single number is accepted too).
    case numbers
    /// A number, or one of a few words (e.g. `pos_weight: auto | none | [list]`).
    case choiceOrNumbers
}

/// The declaration of one parameter: its name, kind, default and documentation.
public struct ParameterSpec: Sendable, Hashable {
    /// The key in the sweep file (`gamma` in `loss: {name: focal, gamma: 2}`).
    public var name: String
    /// What values it accepts.
    public var kind: ParameterKind
    /// The value used when the sweep file gives none (nil: the plugin's own fallback applies).
    public var defaultValue: ParameterValue?
    /// One line shown by `sweep plugins`.
    public var summary: String
    /// Allowed range for numbers (inclusive), if any.
    public var range: ClosedRange<Double>?
    /// Allowed words for `.string` and `.choiceOrNumbers`.
    public var choices: [String]

    /// Declares parameter `name` of `kind`, with its default, allowed range or words and summary.
    public init(_ name: String, _ kind: ParameterKind, default defaultValue: ParameterValue? = nil,
                range: ClosedRange<Double>? = nil, choices: [String] = [], _ summary: String) {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.summary = summary
        self.range = range
        self.choices = choices
    }

    /// Checks a value against this declaration; returns a reason when it does not fit.
    public func problem(with value: ParameterValue) -> String? {
        switch (kind, value) {
        case (.number, .number(let x)):
            if let r = range, !r.contains(x) {
                return "\(name) must be in [\(formatNumber(r.lowerBound)), \(formatNumber(r.upperBound))], got \(formatNumber(x))"
            }
            return nil
        case (.string, .string(let s)), (.choiceOrNumbers, .string(let s)):
            if !choices.isEmpty && !choices.contains(s) {
                return "\(name) must be one of \(choices.joined(separator: ", ")), got '\(s)'"
            }
            return nil
        case (.bool, .bool), (.numbers, .numbers), (.choiceOrNumbers, .numbers):
            return nil
        case (.numbers, .number(let x)), (.choiceOrNumbers, .number(let x)):
            _ = x
            return nil
        default:
            return "\(name) expects \(kind.rawValue == "choiceOrNumbers" ? (choices.joined(separator: " | ") + " | [numbers]") : kind.rawValue), got \(value)"
        }
    }
}

/// An error in a plugin's parameters or its use.
public struct PluginError: Error, Sendable, CustomStringConvertible {
    /// The complete message shown to the user (names the plugin and parameter at fault).
    public var message: String
    /// An error with `message`.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}

/// The resolved parameters of one plugin instance: the user's values over the declared defaults.
public struct PluginParameters: Sendable, Hashable {
    /// The values by parameter name (user values, then declared defaults).
    public private(set) var values: [String: ParameterValue]

    /// Takes `values` as they are, without checking them against any declaration (tests, built-ins).
    public init(_ values: [String: ParameterValue] = [:]) { self.values = values }

    /// Merges user values over the defaults of `specs`; unknown names and bad values are errors.
    public init(resolving given: [String: ParameterValue], against specs: [ParameterSpec], plugin: String) throws {
        var merged: [String: ParameterValue] = [:]
        for spec in specs { if let d = spec.defaultValue { merged[spec.name] = d } }
        for (name, value) in given {
            guard let spec = specs.first(where: { $0.name == name }) else {
                let known = specs.map(\.name).joined(separator: ", ")
                throw PluginError("plugin '\(plugin)' has no parameter '\(name)'" + (known.isEmpty ? " (it takes none)" : " (known: \(known))"))
            }
            if let p = spec.problem(with: value) { throw PluginError("plugin '\(plugin)': \(p)") }
            merged[name] = value
        }
        self.values = merged
    }

    /// The value of parameter `name`, nil when neither the user nor a default gives one.
    public subscript(name: String) -> ParameterValue? { values[name] }

    /// The number called `name`, or `fallback` when absent.
    public func number(_ name: String, default fallback: Double) -> Double {
        if case .number(let x)? = values[name] { return x }
        return fallback
    }

    /// The string called `name`, or `fallback` when absent.
    public func string(_ name: String, default fallback: String) -> String {
        if case .string(let s)? = values[name] { return s }
        return fallback
    }
}
