import SweepPluginAPI

/// One value of a swept parameter (a grid entry), or of a plugin parameter.
/// Encoded as the plain JSON/YAML value: `0.001`, `"adam"`, `true`, `[1, 2]`.
public enum SweptValue: Sendable, Hashable, Codable, CustomStringConvertible {
    case number(Double)
    case string(String)
    case bool(Bool)
    case numbers([Double])

    /// The same value as a plugin parameter.
    public var parameterValue: ParameterValue {
        switch self {
        case .number(let x): return .number(x)
        case .string(let s): return .string(s)
        case .bool(let b): return .bool(b)
        case .numbers(let xs): return .numbers(xs)
        }
    }

    /// A plugin parameter's value as a swept value.
    public init(_ value: ParameterValue) {
        switch value {
        case .number(let x): self = .number(x)
        case .string(let s): self = .string(s)
        case .bool(let b): self = .bool(b)
        case .numbers(let xs): self = .numbers(xs)
        }
    }

    /// As the user would write it: `2`, `0.001`, `adam`, `[1, 2.5]`.
    public var description: String { parameterValue.description }

    /// The number, if this is one.
    public var number: Double? {
        if case .number(let x) = self { return x }
        return nil
    }

    /// The text, if this is a string.
    public var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let x = try? c.decode(Double.self) { self = .number(x) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else { self = .numbers(try c.decode([Double].self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .number(let x): try c.encode(x)
        case .string(let s): try c.encode(s)
        case .bool(let b): try c.encode(b)
        case .numbers(let xs): try c.encode(xs)
        }
    }
}

/// A swept parameter and its value in one trial, e.g. `lr = 0.001`.
public struct SweptParameter: Sendable, Hashable, Codable {
    /// The parameter's short name (its grid alias, e.g. `lr`, `dropout`, `loss.gamma`).
    public var name: String
    /// The parameter's value in this trial.
    public var value: SweptValue

    /// A swept parameter and its value.
    public init(name: String, value: SweptValue) {
        self.name = name
        self.value = value
    }
}
