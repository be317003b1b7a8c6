/// The hyperparameters of one trial. The defaults are the notebook's settings: depth 2,
/// dropout 0.3, Adam 1e-3, CosineAnnealingLR(T_max 5, eta_min 5e-3) stepped per batch,
/// batch 128, 10 epochs, threshold 0.5, best epoch by validation sample-F1.
public struct TrialConfig: Codable, Sendable, Equatable, Hashable {
    /// Hidden blocks of the head.
    public var depth: Int = 2
    /// The hidden blocks' widths when not the halving ones (then `depth` is their count).
    public var widths: [Int]?
    /// Dropout probability of the hidden blocks (0: no Dropout layers).
    public var dropout: Double = 0.3
    /// Optimiser and its base learning rate.
    public var optimizer: OptimizerConfig = .adam()
    /// Learning-rate schedule.
    public var schedule: LRSchedule = .cosine(tMax: 5, etaMin: 5e-3)
    /// Whether the scheduler steps after every batch or after every epoch.
    public var stepping: ScheduleStepping = .batch
    /// Passes over the training split.
    public var epochs: Int = 10
    /// Training rows per optimiser step; at least 2 when `depth` > 0 (BatchNorm), see `runTrial`
    /// for a last batch of one.
    public var batchSize: Int = 128
    /// Seeds the head's initialisation, the batch order and the dropout masks.
    public var seed: UInt64 = 0
    /// A class is predicted when its score is > threshold (handed to the metrics).
    public var threshold: Double = 0.5
    /// One threshold per class (class order), replacing `threshold` when given: class c is
    /// predicted when its score is > classThresholds[c] (the metrics of the 0/1 predictions see
    /// them through `ClassThresholds`). Nil: every class uses `threshold`.
    public var classThresholds: [Double]? = nil
    /// What picks the best epoch.
    public var objective: Objective = Objective()
    /// How logits become the scores the metrics see.
    public var scores: ScoreActivation = .sigmoid
    /// A training batch loss above this multiple of the first batch's loss (the untrained
    /// head's) ends the trial as `diverged`, like a NaN does; 0 disables the rule.
    public var divergenceFactor: Double = 100
    /// Keep the last epoch's weights (and call it the best epoch) whatever the objective says:
    /// for a refit on all non-test rows for a fixed number of epochs.
    public var keepLastEpoch: Bool = false
    /// Stop after this many optimiser steps in all (nil: every epoch whole). The last epoch may
    /// then be partial: its training loss and metrics cover the rows it saw. A refit sets it to
    /// its runs' step count, so a per-batch schedule ends where theirs did.
    public var maxSteps: Int? = nil

    /// The notebook's settings.
    public init() {}

    /// Optimiser steps of one whole epoch over `trainingRows` rows: batches of `batchSize`, a
    /// last batch of one merged into the previous one when the head has BatchNorm (the trial
    /// loop's rule, see `runTrial`).
    public func stepsPerEpoch(trainingRows: Int) -> Int {
        TrialLoop.batchRanges(count: trainingRows, batchSize: batchSize, mergeSingleton: (widths?.count ?? depth) > 0).count
    }

    /// Checks every field; the error names the property.
    public func validate() throws {
        try optimizer.validate()
        try schedule.validate()
        guard epochs > 0 else { throw TrainError.invalidConfig(property: "epochs", reason: "must be positive, got \(epochs)") }
        guard batchSize > 0 else { throw TrainError.invalidConfig(property: "batch_size", reason: "must be positive, got \(batchSize)") }
        guard depth == 0 || batchSize >= 2 else {
            throw TrainError.invalidConfig(property: "batch_size",
                                           reason: "must be >= 2 with BatchNorm (depth \(depth)), got \(batchSize)")
        }
        if let maxSteps, maxSteps <= 0 {
            throw TrainError.invalidConfig(property: "max_steps", reason: "must be positive, got \(maxSteps)")
        }
        guard threshold.isFinite else { throw TrainError.invalidConfig(property: "threshold", reason: "must be finite") }
        if let classThresholds, let bad = classThresholds.first(where: { !($0 > 0 && $0 < 1) }) {
            throw TrainError.invalidConfig(property: "threshold", reason: "each class's threshold must be in (0, 1), got \(bad)")
        }
        guard !objective.metric.isEmpty else { throw TrainError.invalidConfig(property: "objective.metric", reason: "is empty") }
    }
}

/// The validation number the best epoch maximises or minimises.
public struct Objective: Codable, Sendable, Equatable, Hashable {
    /// A metric's name as passed to the trial, or `loss` for the loss.
    public var metric: String
    /// Measured on the training split instead of the validation split (default false).
    public var onTrainingSplit: Bool = false
    /// True to maximise (F1), false to minimise (loss, hamming loss).
    public var higherIsBetter: Bool

    /// Validation sample-F1, maximised (the notebook's choice).
    public init(metric: String = "f1_samples", higherIsBetter: Bool = true) {
        self.metric = metric
        self.higherIsBetter = higherIsBetter
    }

    /// Whether `value` beats `best` (NaN never does; ties keep the earlier epoch).
    func improves(_ value: Double, on best: Double?) -> Bool {
        guard !value.isNaN else { return false }
        guard let best else { return true }
        return higherIsBetter ? value > best : value < best
    }
}

/// How the metrics' scores come from the logits.
public enum ScoreActivation: String, Codable, Sendable, Equatable, Hashable {
    /// Per-cell sigmoid (multi-label losses: bce, focal, asl).
    case sigmoid
    /// Per-row softmax (single-label `cross_entropy`).
    case softmax
}
