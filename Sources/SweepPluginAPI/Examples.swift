/// What a plugin declares so that the shared conformance suite (`SweepPluginChecks`) can test it:
/// values at known points, a metric's range, and whether a loss's gradient is exact.
/// Every requirement has a default, so a plugin that declares nothing is still checked for
/// gradient, reduction (or row order, for a whole-batch loss), row-order invariance and finiteness.

/// A loss value at a known point, worked out by hand or by a reference library (not by the plugin).
public struct LossExample: Sendable {
    /// Parameters given in the sweep file; the declared defaults fill the rest.
    public var parameters: [String: ParameterValue]
    /// (rows, columns) row-major logits.
    public var logits: [Float]
    /// (rows, columns) row-major targets.
    public var targets: [Float]
    /// Samples in the batch.
    public var rows: Int
    /// Labels per sample.
    public var columns: Int
    /// The expected loss (a mean over rows unless the plugin declares `.wholeBatch`).
    public var expected: Double
    /// Accepted relative error (with an absolute floor of the same size).
    public var tolerance: Double

    /// An example of `rows` x `columns` logits and targets whose loss is `expected`.
    public init(parameters: [String: ParameterValue] = [:], logits: [Float], targets: [Float],
                rows: Int, columns: Int, expected: Double, tolerance: Double = 1e-6) {
        self.parameters = parameters
        self.logits = logits
        self.targets = targets
        self.rows = rows
        self.columns = columns
        self.expected = expected
        self.tolerance = tolerance
    }
}

/// A metric value at a known point; `expected` may be NaN where the metric is undefined.
public struct MetricExample: Sendable {
    /// Parameters given in the sweep file; the declared defaults fill the rest.
    public var parameters: [String: ParameterValue]
    /// Scores, targets and threshold.
    public var input: MetricInput
    /// The expected value, or NaN where the metric is undefined.
    public var expected: Double
    /// Accepted absolute error.
    public var tolerance: Double

    /// An example whose metric value is `expected` (NaN: undefined).
    public init(parameters: [String: ParameterValue] = [:], input: MetricInput, expected: Double,
                tolerance: Double = 1e-9) {
        self.parameters = parameters
        self.input = input
        self.expected = expected
        self.tolerance = tolerance
    }
}

/// A registry of plugin types. The `PluginRegistry` build-tool plugin finds the one type
/// conforming to it in a module and generates `registrations` from the module's plugin
/// declarations, with each plugin's code identity.
public protocol PluginList {
    /// Every plugin type declared in the module, with the identity of its source code.
    static var registrations: [PluginRegistration] { get }
}

extension PluginList {
    /// Every plugin type declared in the module.
    public static var all: [any SweepPlugin.Type] { registrations.map(\.type) }
}

/// A plugin type as the build found it: the type and the identity of its source code.
public struct PluginRegistration: Sendable {
    /// The plugin type.
    public var type: any SweepPlugin.Type
    /// `sha256:<hex>` of the plugin's source files with comments left out and whitespace runs
    /// collapsed (so editing a comment keeps it), computed at build time by the `PluginRegistry`
    /// build-tool plugin. A plugin in a folder of its own (`plugins/<folder>/`) is every Swift
    /// file of that folder; a plugin in a file at the module's top level is the files that
    /// declare it.
    public var codeIdentity: String
    /// The hashed files, relative to the module's folder.
    public var files: [String]

    /// A registration of `type` whose source hashes to `codeIdentity`.
    public init(_ type: any SweepPlugin.Type, codeIdentity: String, files: [String]) {
        self.type = type
        self.codeIdentity = codeIdentity
        self.files = files
    }
}

extension LossPlugin {
    /// No declared examples.
    public static var examples: [LossExample] { [] }
    /// The gradient is the exact derivative of the value.
    public static var surrogateGradient: String? { nil }
    /// Multi-label: sigmoid scores.
    public static var labels: LabelStructure { .independent }
    /// A mean over rows.
    public static var reduction: LossReduction { .meanOverRows }
}

extension MetricPlugin {
    /// No declared examples.
    public static var examples: [MetricExample] { [] }
    /// Unbounded unless the metric says otherwise.
    public static func range(columns: Int) -> ClosedRange<Double> { -Double.infinity...Double.infinity }
}
