import SweepPluginAPI

/// A property of the shared conformance suite.
public enum CheckProperty: String, Sendable, CaseIterable {
    /// The plugin can be built from its declared defaults (and from each example's parameters).
    case construction
    /// Declared `examples` give their expected values.
    case examples
    /// A loss's gradient matches central finite differences of its value.
    case gradient
    /// A loss that is a mean over rows is one: duplicated rows leave it unchanged, two batches
    /// combine by row count (not checked for a loss that declares `reduction = .wholeBatch`).
    case reduction
    /// Values (and a loss's gradient) are finite: for large |logits|, or for a metric where it is defined.
    case finite
    /// A metric's values lie in its declared `range(columns:)`.
    case range
    /// A metric, or a loss, does not depend on the order of the rows (a loss's gradient moves with its row).
    case rowOrder = "row_order"
}

/// One property a plugin failed, with the numbers that show it.
public struct CheckFailure: Sendable, CustomStringConvertible {
    /// The property that does not hold.
    public var property: CheckProperty
    /// What was computed and what was expected.
    public var detail: String

    /// A failure of `property`, explained by `detail`.
    public init(_ property: CheckProperty, _ detail: String) {
        self.property = property
        self.detail = detail
    }

    /// `property: detail`, e.g. `gradient: d loss/d logit[0, 2] is 0.0712, ...`.
    public var description: String { "\(property.rawValue): \(detail)" }
}

/// The outcome of the shared suite for one plugin.
public struct PluginCheckResult: Sendable, CustomStringConvertible {
    /// Loss or metric.
    public var kind: PluginKind
    /// The plugin's name.
    public var plugin: String
    /// Properties that were checked (failed or not).
    public var checked: [CheckProperty] = []
    /// Properties not checked, with the reason (e.g. a declared surrogate gradient).
    public var skipped: [(property: CheckProperty, reason: String)] = []
    /// Properties that did not hold, with the numbers (empty when the plugin passed).
    public var failures: [CheckFailure] = []

    /// An empty result for the plugin `plugin`.
    public init(kind: PluginKind, plugin: String) {
        self.kind = kind
        self.plugin = plugin
    }

    /// True when no property failed.
    public var passed: Bool { failures.isEmpty }

    /// The properties checked that held.
    public var held: [CheckProperty] {
        checked.filter { p in !failures.contains { $0.property == p } }
    }

    /// `ok    loss bce: construction, ...` for a plugin that passed; for a failing one, one line
    /// per failure naming the plugin and the property, then the properties that held.
    public var description: String {
        if passed { return "ok    \(kind.rawValue) \(plugin): " + checked.map(\.rawValue).joined(separator: ", ") }
        let lines = failures.map { "FAIL  \(kind.rawValue) \(plugin): \($0)" }
        let held = self.held.map(\.rawValue).joined(separator: ", ")
        return (lines + ["      passed: " + (held.isEmpty ? "none" : held)]).joined(separator: "\n")
    }

    mutating func fail(_ property: CheckProperty, _ detail: String) {
        failures.append(CheckFailure(property, detail))
    }

    mutating func mark(_ property: CheckProperty) {
        if !checked.contains(property) { checked.append(property) }
    }
}

/// |a - b| <= atol + rtol * max(|a|, |b|); two NaNs are equal, NaN and a number are not.
func close(_ a: Double, _ b: Double, rtol: Double, atol: Double) -> Bool {
    if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
    if a == b { return true }
    return abs(a - b) <= atol + rtol * max(abs(a), abs(b))
}
