import SweepPluginAPI
import SweepTensor

/// A metric plugin instance under the name the trial reports it by.
public struct NamedMetric: Sendable {
    /// The key of its values in the epoch records (e.g. `f1_samples`).
    public var name: String
    /// The configured plugin instance.
    public var metric: any MetricPlugin

    /// Names a metric instance.
    public init(name: String, metric: any MetricPlugin) {
        self.name = name
        self.metric = metric
    }
}

/// One epoch of a trial. Losses and metrics are over the whole epoch's predictions: the
/// training loss is the sample-weighted mean of the batch losses (for a whole-batch loss: the
/// loss of all the epoch's training predictions at once), the validation loss is the loss of
/// all validation predictions at once.
public struct EpochRecord: Codable, Sendable, Equatable {
    /// 0-based, as the notebook prints it.
    public var epoch: Int
    /// The learning rate after the epoch's scheduler steps (what the next step would use).
    public var learningRate: Double
    /// The learning rate each optimiser step of the epoch used, in order (one per batch):
    /// constant within an epoch when the schedule steps per epoch, changing when it steps per batch.
    public var stepRates: [Double]
    /// Sample-weighted mean of the epoch's batch losses (train mode); for a whole-batch loss, the
    /// loss of all the epoch's training logits at once.
    public var trainLoss: Double
    /// Loss of all validation predictions (eval mode).
    public var validationLoss: Double
    /// Metric name -> value on the training predictions (train mode, as made during the epoch).
    public var trainMetrics: [String: Double]
    /// Metric name -> value on the validation predictions (eval mode).
    public var validationMetrics: [String: Double]
    /// Wall-clock seconds of the epoch (the only field that differs between identical runs).
    public var seconds: Double
}

/// How a trial ended.
public enum TrialState: String, Codable, Sendable, Equatable {
    /// All epochs ran.
    case complete
    /// A loss became NaN or infinite; training stopped there.
    case diverged
}

/// The outcome of a trial.
public struct TrialResult: Sendable {
    /// The completed epochs, in order.
    public var epochs: [EpochRecord]
    /// Index into `epochs` of the best epoch by the objective; nil if none had a number.
    public var bestEpoch: Int?
    /// Whether all epochs ran.
    public var state: TrialState
    /// When diverged: where and which loss (e.g. "training loss nan at epoch 3, batch 5").
    public var divergence: String?
    /// The head's shape, to rebuild it with `Head(config:state:)`.
    public var headConfig: HeadConfig
    /// The best epoch's weights with `nn.Sequential` keys; nil when `bestEpoch` is nil.
    public var bestState: [String: Tensor]?
}
