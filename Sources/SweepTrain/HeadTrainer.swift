// One optimisation step of a head, as the notebook's training loop does it:
// forward (train mode) -> loss -> backward -> optimizer.step(); the scheduler is stepped by
// the caller (per batch or per epoch).
import SweepPluginAPI
import SweepTensor

/// A head with its optimiser state, learning-rate scheduler and loss.
public final class HeadTrainer {
    /// The head being trained.
    public let head: Head
    private let optimizer: Optimizer
    /// The running learning-rate schedule.
    public private(set) var scheduler: LRScheduler
    private let lossFunction: any LossPlugin
    private var dropoutGenerator: SeededGenerator?

    /// A trainer over `head`; dropout masks are drawn from `SeededGenerator(seed: dropoutSeed,
    /// stream: 3)`.
    public init(head: Head, optimizer: OptimizerConfig, schedule: LRSchedule,
                loss: any LossPlugin, dropoutSeed: UInt64) throws {
        try optimizer.validate()
        try schedule.validate()
        self.head = head
        self.optimizer = Optimizer(config: optimizer, count: head.parameterCount)
        scheduler = LRScheduler(schedule: schedule, baseRate: optimizer.learningRate)
        lossFunction = loss
        dropoutGenerator = SeededGenerator(seed: dropoutSeed, stream: 3)
    }

    /// One training step on a batch: forward, loss, backward and an optimiser step at the
    /// scheduler's current rate. A non-finite loss skips the update (the trial stops there).
    ///
    /// - Parameters:
    ///   - features: (rows, inputWidth) the batch.
    ///   - targets: (rows, classes) 0/1 as floats.
    ///   - logits: (rows, classes) receives the forward pass's logits, when given.
    /// - Returns: the batch's loss before the update.
    public func step(features: UnsafePointer<Float>, targets: UnsafePointer<Float>, rows: Int,
                     logits: UnsafeMutablePointer<Float>? = nil) throws -> Double {
        let classes = head.config.classes
        let out = try head.trainForward(x: features, rows: rows, dropout: &dropoutGenerator)
        if let logits { logits.update(from: out, count: rows * classes) }
        let gradient = head.logitGradient(rows: rows)
        let value = lossFunction.loss(logits: UnsafeBufferPointer(start: out, count: rows * classes),
                                      targets: UnsafeBufferPointer(start: targets, count: rows * classes),
                                      rows: rows, columns: classes,
                                      gradient: UnsafeMutableBufferPointer(start: gradient, count: rows * classes))
        guard value.isFinite else { return value }
        head.trainBackward(x: features, rows: rows)
        optimizer.step(parameters: head.parameters.pointer, gradients: head.gradients.pointer, lr: scheduler.rate)
        return value
    }

    /// How the loss combines a batch's rows (decides how an epoch's training loss is reported).
    public var reduction: LossReduction { type(of: lossFunction).reduction }

    /// Advances the learning-rate schedule by one step.
    public func stepScheduler() { scheduler.step() }

    /// The loss of logits without a gradient (the validation loss).
    ///
    /// - Parameters:
    ///   - logits, targets: (rows, classes).
    func loss(logits: UnsafePointer<Float>, targets: UnsafePointer<Float>, rows: Int) -> Double {
        let n = rows * head.config.classes
        return lossFunction.loss(logits: UnsafeBufferPointer(start: logits, count: n),
                                 targets: UnsafeBufferPointer(start: targets, count: n),
                                 rows: rows, columns: head.config.classes, gradient: nil)
    }
}
