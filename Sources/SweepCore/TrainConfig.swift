import SweepPluginAPI

/// The fully resolved training settings of one trial: what a worker needs to train a head
/// on cached features. Defaults are the notebook's. Coded with the sweep file's key names.
public struct TrainConfig: Sendable, Hashable, Codable {
    /// Passes over the training split (>= 1).
    public var epochs: Int = 10
    /// Mini-batch size (>= 2: BatchNorm cannot train on one sample).
    public var batchSize: Int = 128
    /// The MLP head on the trunk features.
    public var head = HeadConfig()
    /// The optimiser.
    public var optimizer = OptimizerConfig()
    /// The learning-rate schedule.
    public var schedule = ScheduleConfig()
    /// The loss plugin and its parameters (defaults filled in from the plugin).
    public var loss = PluginChoice(name: "bce")
    /// The metric plugins computed every epoch on both splits (the objective's metric included).
    public var metrics: [PluginChoice] = [PluginChoice(name: "f1_samples"), PluginChoice(name: "roc_auc_samples")]
    /// What ranks epochs within a trial and trials within the sweep.
    public var objective = Objective()
    /// A class is predicted when its probability is > threshold.
    public var threshold: Double = 0.5
    /// One threshold per class (class order) when `train.threshold` is a list; it replaces
    /// `threshold` (then 0.5) everywhere. Nil (left out of the JSON, so trial ids without it
    /// are unchanged): every class uses `threshold`.
    public var thresholds: [Double]? = nil

    /// The defaults.
    public init() {}

    enum CodingKeys: String, CodingKey {
        case epochs
        case batchSize = "batch_size"
        case head, optimizer, schedule, loss, metrics, objective, threshold, thresholds
    }
}

/// The MLP head: `depth` hidden blocks Linear -> BatchNorm1d -> ReLU -> Dropout, widths halving
/// from the trunk's features unless `widths` gives them.
public struct HeadConfig: Sendable, Hashable, Codable {
    /// The trunk's features (ResNet50's pooled 2048), where the halving widths start.
    public static let trunkFeatures = 2048

    /// Hidden blocks (0 = a linear probe; 2 = the notebook's head).
    public var depth: Int = 2
    /// The hidden blocks' widths when they are not the halving ones; `depth` is then their count.
    /// Nil for the halving widths (so `widths: [1024, 512]` and `depth: 2` are the same trial).
    public var widths: [Int]?
    /// Dropout probability in [0, 1); 0 leaves the Dropout layers out.
    public var dropout: Double = 0.3

    /// The defaults.
    public init() {}

    /// The widths of `depth` halving blocks: 1024, 512, ... (at least 1).
    public static func halvingWidths(depth: Int) -> [Int] {
        (0..<max(0, depth)).map { max(1, trunkFeatures >> min($0 + 1, 62)) }
    }

    /// The hidden widths the head has.
    public var hiddenWidths: [Int] { widths ?? HeadConfig.halvingWidths(depth: depth) }
}

/// Optimisers, PyTorch-exact.
public enum OptimizerName: String, Sendable, Hashable, Codable, CaseIterable {
    case adam, adamw, sgd
}

/// The optimiser and its hyperparameters.
public struct OptimizerConfig: Sendable, Hashable, Codable {
    /// Which optimiser.
    public var name: OptimizerName = .adam
    /// Base learning rate (> 0).
    public var lr: Double = 0.001
    /// L2 penalty (Adam, SGD) or decoupled decay (AdamW). Default 0, or 0.01 for AdamW (PyTorch's defaults).
    public var weightDecay: Double = 0
    /// SGD momentum in [0, 1).
    public var momentum: Double = 0
    /// SGD Nesterov momentum (needs momentum > 0).
    public var nesterov: Bool = false

    /// The defaults.
    public init() {}

    /// PyTorch's default weight decay for an optimiser.
    public static func defaultWeightDecay(_ name: OptimizerName) -> Double { name == .adamw ? 0.01 : 0 }

    enum CodingKeys: String, CodingKey {
        case name, lr
        case weightDecay = "weight_decay"
        case momentum, nesterov
    }
}

/// Learning-rate schedules.
public enum ScheduleName: String, Sendable, Hashable, Codable, CaseIterable {
    /// The base learning rate throughout.
    case constant
    /// `StepLR(step_size, gamma)`: multiply by gamma every step_size steps.
    case step
    /// `CosineAnnealingLR(T_max, eta_min)`: periodic, no restart, eta_min may exceed the base.
    case cosine
}

/// When a schedule advances.
public enum ScheduleUnit: String, Sendable, Hashable, Codable, CaseIterable {
    /// After every optimiser step (the notebook).
    case batch
    /// After every epoch (PyTorch's usual convention).
    case epoch
}

/// The learning-rate schedule. `t_max` and `step_size` count schedule steps (batches or epochs).
public struct ScheduleConfig: Sendable, Hashable, Codable {
    /// Which schedule.
    public var name: ScheduleName = .constant
    /// Cosine half-period in steps (>= 1); required for `cosine`.
    public var tMax: Int?
    /// Cosine floor (>= 0; may exceed the base learning rate, as in the notebook).
    public var etaMin: Double = 0
    /// Steps between decays (>= 1); required for `step`.
    public var stepSize: Int?
    /// Decay factor for `step` (> 0).
    public var gamma: Double = 0.1
    /// Whether the schedule advances per batch or per epoch.
    public var step: ScheduleUnit = .epoch

    /// The defaults.
    public init() {}

    enum CodingKeys: String, CodingKey {
        case name
        case tMax = "t_max"
        case etaMin = "eta_min"
        case stepSize = "step_size"
        case gamma, step
    }
}

/// Which split the objective is measured on.
public enum ObjectiveSplit: String, Sendable, Hashable, Codable, CaseIterable {
    case train, val
}

/// Whether larger or smaller objective values are better.
public enum ObjectiveDirection: String, Sendable, Hashable, Codable, CaseIterable {
    case max, min

    /// True when `a` is strictly better than `b` in this direction.
    public func isBetter(_ a: Double, than b: Double) -> Bool { self == .max ? a > b : a < b }
}

/// What a sweep optimises: a metric (or `loss`) on a split, maximised or minimised.
public struct Objective: Sendable, Hashable, Codable {
    /// A metric plugin name, or `loss`.
    public var metric: String = "f1_samples"
    /// The split the metric is measured on.
    public var split: ObjectiveSplit = .val
    /// Whether larger or smaller is better.
    public var direction: ObjectiveDirection = .max
    /// `train.objective.last_epochs: K`: a run's objective is the mean of its last K epochs'
    /// values and it keeps its last epoch's weights (less noisy than the best epoch's value,
    /// which is a maximum over noisy epochs). Nil (0 in the file; left out of the JSON, so ids
    /// are unchanged): the best epoch's value and weights.
    public var lastEpochs: Int? = nil

    enum CodingKeys: String, CodingKey {
        case metric, split, direction
        case lastEpochs = "last_epochs"
    }

    /// The defaults.
    public init() {}

    /// A run's objective from its epochs' values of the objective (in epoch order): the best
    /// epoch's, or the mean of the last `lastEpochs` (of the finite ones; nil when none is).
    ///
    /// - Parameters:
    ///   - values: (epochs) the objective's value each epoch.
    ///   - best: the best epoch's value.
    public func runValue(_ values: [Double], best: Double?) -> Double? {
        guard let k = lastEpochs, k > 0 else { return best }
        let last = values.suffix(k).filter(\.isFinite)
        return last.isEmpty ? nil : last.reduce(0, +) / Double(last.count)
    }

    /// An objective on `split`, best by `direction`.
    public init(metric: String, split: ObjectiveSplit, direction: ObjectiveDirection) {
        self.metric = metric
        self.split = split
        self.direction = direction
    }

    /// The key of the objective's value in `EpochMetrics`, e.g. `val f1_samples`.
    public var label: String { "\(split.rawValue) \(metric)" }
}

/// A plugin chosen by name with its parameters. Coded flat, as in the sweep file:
/// `{name: focal, gamma: 2}`.
public struct PluginChoice: Sendable, Hashable, Codable {
    /// The plugin name.
    public var name: String
    /// The plugin's parameters by name.
    public var parameters: [String: ParameterValue]

    /// The plugin `name` with `parameters`.
    public init(name: String, parameters: [String: ParameterValue] = [:]) {
        self.name = name
        self.parameters = parameters
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: NameKey.self)
        name = try c.decode(String.self, forKey: NameKey(stringValue: "name"))
        parameters = [:]
        for key in c.allKeys where key.stringValue != "name" {
            parameters[key.stringValue] = try c.decode(SweptValue.self, forKey: key).parameterValue
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: NameKey.self)
        try c.encode(name, forKey: NameKey(stringValue: "name"))
        for key in parameters.keys.sorted() {
            if let value = parameters[key] { try c.encode(SweptValue(value), forKey: NameKey(stringValue: key)) }
        }
    }
}

/// A coding key that is any name: for mappings whose keys are data (grid axes, plugin
/// parameters), coded flat as the sweep file writes them.
struct NameKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
