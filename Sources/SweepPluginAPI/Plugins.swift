/// The plugin protocols: a loss maps a batch of logits and targets to a number (a mean over rows,
/// or a function of the whole batch) and its gradient; a metric maps scores and targets to a number. Built-in losses and metrics are written
/// against exactly these protocols, as a user's plugin under `plugins/` is.

/// What every plugin declares about itself, shown by `sweep plugins`.
public protocol SweepPlugin: Sendable {
    /// The name used in sweep files (lower case, `[a-z0-9_]+`).
    static var name: String { get }
    /// One line describing what it computes.
    static var summary: String { get }
    /// Parameters it takes from the sweep file.
    static var parameters: [ParameterSpec] { get }
}

extension SweepPlugin {
    /// No parameters.
    public static var parameters: [ParameterSpec] { [] }
}

/// The two kinds of plugin.
public enum PluginKind: String, Sendable, Codable {
    /// A `LossPlugin`.
    case loss
    /// A `MetricPlugin`.
    case metric
}

/// What a loss learns about the training data when it is built (e.g. for `pos_weight: auto`).
public struct LossContext: Sendable {
    /// Class names, in column order.
    public var classNames: [String]
    /// Positive count per class in the training split.
    public var positives: [Int]
    /// Number of training samples.
    public var samples: Int

    /// The statistics of a training split of `samples` samples.
    public init(classNames: [String], positives: [Int], samples: Int) {
        self.classNames = classNames
        self.positives = positives
        self.samples = samples
    }
}

/// A training loss over a batch of logits.
public protocol LossPlugin: SweepPlugin {
    /// Builds the loss from its parameters and the training split's statistics.
    init(parameters: PluginParameters, context: LossContext) throws

    /// The loss of a batch and, when `gradient` is given, d(loss)/d(logits). The loss is a mean
    /// over rows unless the plugin declares `reduction = .wholeBatch` (e.g. soft F1 over the batch).
    ///
    /// - Parameters:
    ///   - logits: (rows, columns) row-major, raw network outputs.
    ///   - targets: (rows, columns) row-major, 0 or 1 (multi-label) per cell.
    ///   - gradient: (rows, columns) row-major, overwritten when not nil.
    func loss(logits: UnsafeBufferPointer<Float>, targets: UnsafeBufferPointer<Float>,
              rows: Int, columns: Int, gradient: UnsafeMutableBufferPointer<Float>?) -> Double

    /// Values at known points, checked by the shared suite (default: none).
    static var examples: [LossExample] { get }
    /// nil when `gradient` is the exact derivative of the returned mean, which the shared suite
    /// checks against finite differences; otherwise the reason it is not (e.g. ASL treats its
    /// focusing weights as constants), and the suite skips that one check (default: nil).
    static var surrogateGradient: String? { get }
    /// How its logits become the scores metrics and predictions see (default: `.independent`).
    static var labels: LabelStructure { get }
    /// How the loss combines the rows of a batch (default: `.meanOverRows`); decides what the
    /// shared suite checks and how an epoch's training loss is reported.
    static var reduction: LossReduction { get }
}

/// How a loss combines the rows of a batch into one number.
public enum LossReduction: String, Sendable, Codable {
    /// The mean over rows of a per-row loss (BCE, focal, ASL, cross-entropy). The shared suite
    /// checks `reduction`: a batch twice gives the same loss, two batches together give the
    /// row-weighted mean of their losses. An epoch's training loss is the row-weighted mean of
    /// its batches' losses (= the loss of all its rows at once).
    case meanOverRows = "mean_over_rows"
    /// A function of the whole batch that is not a mean over rows (soft F1 per class over the
    /// batch, batch ranking or contrastive losses). The shared suite checks `row_order` (the
    /// same rows in another order give the same loss and the same gradient, reordered) instead
    /// of `reduction`. Gradients are taken per training batch, so the value depends on
    /// `batch_size`; an epoch's training loss is the loss of all its rows at once (as the
    /// validation loss is), not a mean of batch losses.
    case wholeBatch = "whole_batch"
}

/// Whether a loss treats the labels of a sample as independent or as mutually exclusive; this
/// decides how logits become scores.
public enum LabelStructure: String, Sendable, Codable {
    /// Multi-label: one sigmoid per cell (BCE, focal, ASL).
    case independent
    /// Single-label: a softmax over each row (cross-entropy).
    case exclusive
}

/// The inputs of a metric: per-class probabilities, 0/1 targets and the decision threshold.
public struct MetricInput: Sendable {
    /// (rows, columns) row-major probabilities (sigmoid of the logits), or softmax for single-label losses.
    public var scores: [Double] { didSet { predictions = Self.predict(scores, threshold) } }
    /// (rows, columns) row-major, 0 or 1.
    public var targets: [UInt8]
    /// Samples (all of an epoch's, not a batch's).
    public var rows: Int
    /// Labels per sample.
    public var columns: Int
    /// A cell is predicted positive when its score is > threshold.
    public var threshold: Double { didSet { predictions = Self.predict(scores, threshold) } }
    /// (rows, columns) 0/1 predictions: score > threshold. Computed once when the input is made
    /// (and again when `scores` or `threshold` change), so reading it in a loop is cheap.
    public private(set) var predictions: [UInt8]

    /// Bundles an epoch's scores and targets; both must hold `rows * columns` values.
    public init(scores: [Double], targets: [UInt8], rows: Int, columns: Int, threshold: Double = 0.5) {
        precondition(scores.count == rows * columns && targets.count == rows * columns, "MetricInput shape mismatch")
        self.scores = scores
        self.targets = targets
        self.rows = rows
        self.columns = columns
        self.threshold = threshold
        predictions = Self.predict(scores, threshold)
    }

    private static func predict(_ scores: [Double], _ threshold: Double) -> [UInt8] {
        scores.map { $0 > threshold ? 1 : 0 }
    }
}

/// An evaluation metric.
public protocol MetricPlugin: SweepPlugin {
    /// True when larger values are better (F1), false when smaller are (hamming loss).
    static var higherIsBetter: Bool { get }
    /// Builds the metric from its parameters.
    init(parameters: PluginParameters) throws
    /// The metric's value; NaN where it is undefined (e.g. ROC AUC of a label with one class only).
    func evaluate(_ input: MetricInput) -> Double

    /// Values at known points, checked by the shared suite (default: none).
    static var examples: [MetricExample] { get }
    /// The values the metric can take for `columns` labels, checked by the shared suite
    /// (default: unbounded). NaN (undefined) is allowed outside it.
    static func range(columns: Int) -> ClosedRange<Double>
}
