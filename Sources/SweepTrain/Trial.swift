// The trial loop of the notebook's `train()`, on cached features: per epoch a training phase
// (train mode, shuffled mini-batches, one optimiser step each) and a validation phase (eval
// mode), with losses and metrics over the whole epoch and the best epoch's weights kept.
//
// Losses: the gradient is always the loss of one training batch. An epoch's training loss is the
// row-weighted mean of its batches' losses for a loss that is a mean over rows (the same number
// as the loss of all its rows at once), and the loss of all its rows at once for a whole-batch
// loss (`LossReduction.wholeBatch`, e.g. soft F1), whose batch values do not average into it.
// The validation loss is the loss of all validation rows at once in both cases.
//
// Determinism: the same data, config and seed give bit-identical records and weights as long
// as OpenBLAS runs with the same number of threads (a GEMM's summation order depends on how it
// splits the work); the tests use 1 thread, `sweep` workers do too.
//
// Batches: the training rows are shuffled each epoch and cut into batches of `batchSize`; the
// last may be smaller. A last batch of exactly one sample is merged into the previous batch when
// the head has BatchNorm (depth > 0): PyTorch would raise "Expected more than 1 value per channel
// when training" there (the notebook's 1400 rows at 128 never hit it); merging keeps every
// sample and the number of optimiser steps of DataLoader(drop_last=True).
import Foundation
import SweepPluginAPI
import SweepTensor

/// Trains a head on `data` with `config`; `onEpoch` is called after every completed epoch.
///
/// A loss that becomes NaN or infinite ends the trial with state `diverged` (the completed
/// epochs and the best of them are kept). Invalid settings or data throw before any work.
public func runTrial(data: TrialData, config: TrialConfig, loss: any LossPlugin,
                     metrics: [NamedMetric], onEpoch: ((EpochRecord) -> Void)? = nil) throws -> TrialResult {
    try config.validate()
    try data.validate()
    let headConfig = HeadConfig(inputWidth: data.features.columns, classes: data.classes,
                                depth: config.depth, dropout: config.dropout, widths: config.widths)
    try headConfig.validate()
    if let t = config.classThresholds, t.count != data.classes {
        throw TrainError.invalidConfig(property: "threshold",
                                       reason: "gives \(t.count) per-class thresholds for \(data.classes) classes: give one per class")
    }
    guard config.objective.metric == "loss" || metrics.contains(where: { $0.name == config.objective.metric }) else {
        throw TrainError.invalidConfig(property: "objective.metric",
            reason: "'\(config.objective.metric)' is not among the trial's metrics (\((["loss"] + metrics.map(\.name)).joined(separator: ", ")))")
    }
    guard headConfig.depth == 0 || data.trainIndices.count > 1 else {
        throw TrainError.invalidData("the training split has 1 sample; BatchNorm1d needs at least 2 per batch")
    }
    try checkLossColumns(loss, data: data)
    let trainer = try HeadTrainer(head: Head(config: headConfig, seed: config.seed), optimizer: config.optimizer,
                                  schedule: config.schedule, loss: loss, dropoutSeed: config.seed)
    var loop = TrialLoop(data: data, config: config, trainer: trainer, metrics: metrics)
    return loop.run(onEpoch: onEpoch)
}

/// Fails early when the loss cannot take this data's columns (a plugin answers NaN then),
/// instead of reporting the trial as diverged at its first batch.
private func checkLossColumns(_ loss: any LossPlugin, data: TrialData) throws {
    let rows = min(2, data.trainIndices.count), classes = data.classes
    let logits = [Float](repeating: 0, count: rows * classes)                     // (rows, C)
    let targets = data.trainIndices.prefix(rows).flatMap { row in                  // (rows, C)
        (0..<classes).map { Float(data.targets[row * classes + $0]) }
    }
    let value = logits.withUnsafeBufferPointer { l in
        targets.withUnsafeBufferPointer { loss.loss(logits: l, targets: $0, rows: rows, columns: classes, gradient: nil) }
    }
    guard value.isFinite else {
        throw TrainError.invalidConfig(property: "loss",
            reason: "'\(type(of: loss).name)' gives \(value) on zero logits with \(classes) classes (built for other classes?)")
    }
}

/// The state of a running trial.
struct TrialLoop {
    let data: TrialData
    let config: TrialConfig
    let trainer: HeadTrainer
    let metrics: [NamedMetric]
    let classes: Int
    let width: Int
    var shuffler: SeededGenerator
    var order: [Int]

    init(data: TrialData, config: TrialConfig, trainer: HeadTrainer, metrics: [NamedMetric]) {
        self.data = data
        self.config = config
        self.trainer = trainer
        self.metrics = metrics
        classes = data.classes
        width = data.features.columns
        shuffler = SeededGenerator(seed: config.seed, stream: 2)
        order = data.trainIndices
    }

    /// Batch boundaries of one epoch over `count` rows (see the file header for a last batch of one).
    static func batchRanges(count: Int, batchSize: Int, mergeSingleton: Bool) -> [Range<Int>] {
        var ranges = stride(from: 0, to: count, by: batchSize).map { $0..<min(count, $0 + batchSize) }
        if mergeSingleton, ranges.count > 1, let last = ranges.last, last.count == 1 {
            ranges.removeLast()
            let previous = ranges.removeLast()
            ranges.append(previous.lowerBound..<last.upperBound)
        }
        return ranges
    }

    mutating func run(onEpoch: ((EpochRecord) -> Void)?) -> TrialResult {
        let ranges = TrialLoop.batchRanges(count: order.count, batchSize: config.batchSize,
                                           mergeSingleton: trainer.head.config.depth > 0)
        let capacity = ranges.map(\.count).max() ?? 1
        let batchX = FloatBuffer(count: capacity * width)           // (capacity, D)
        let batchY = FloatBuffer(count: capacity * classes)         // (capacity, C)
        let trainLogits = FloatBuffer(count: order.count * classes) // (Ntrain, C) in epoch order
        var trainTargets = [UInt8](repeating: 0, count: order.count * classes)
        let validation = ValidationSet(data: data, head: trainer.head)
        var result = TrialResult(epochs: [], bestEpoch: nil, state: .complete, divergence: nil,
                                 headConfig: trainer.head.config, bestState: nil)
        var bestValue: Double? = nil
        var initialLoss: Double? = nil
        var stepsLeft = config.maxSteps ?? Int.max

        for epoch in 0..<config.epochs where stepsLeft > 0 {
            let start = ContinuousClock.now
            shuffler.shuffle(&order)
            // with `maxSteps` the last epoch may stop early: its loss and metrics cover `seen` rows
            let epochRanges = ranges.prefix(stepsLeft)
            stepsLeft -= epochRanges.count
            let seen = epochRanges.last?.upperBound ?? 0
            var lossSum = 0.0
            var stepRates: [Double] = []
            stepRates.reserveCapacity(epochRanges.count)
            for (b, range) in epochRanges.enumerated() {
                let rows = range.count
                data.features.gather(order[range], into: batchX.pointer)
                for (k, row) in order[range].enumerated() {
                    for c in 0..<classes {
                        let t = data.targets[row * classes + c]
                        batchY.pointer[k * classes + c] = Float(t)
                        trainTargets[(range.lowerBound + k) * classes + c] = t
                    }
                }
                let value: Double
                stepRates.append(trainer.scheduler.rate)
                do {
                    value = try trainer.step(features: batchX.pointer, targets: batchY.pointer, rows: rows,
                                             logits: trainLogits.pointer + range.lowerBound * classes)
                } catch {
                    // only a batch of one can fail here; validate() (batch_size >= 2 with BatchNorm)
                    // and batchRanges (no last batch of one) prevent it
                    return diverged(result, "training step failed at epoch \(epoch), batch \(b): \(error)")
                }
                guard value.isFinite else {
                    // NaN's sign bit depends on the optimiser's code path (-nan in optimised builds)
                    let shown = value.isNaN ? "nan" : "\(value)"
                    return diverged(result, "training loss \(shown) at epoch \(epoch), batch \(b)")
                }
                // The first batch's loss is the untrained head's; a loss that explodes far above
                // it (lr 10 takes BCE from ~1 to thousands) counts as diverged too.
                let reference = initialLoss ?? value
                if initialLoss == nil { initialLoss = value }
                if config.divergenceFactor > 0, value > config.divergenceFactor * max(reference, 1e-3) {
                    return diverged(result, "training loss \(value) at epoch \(epoch), batch \(b) exceeds "
                                    + "\(config.divergenceFactor)x the initial loss \(reference)")
                }
                lossSum += value * Double(rows)
                if config.stepping == .batch { trainer.stepScheduler() }
            }
            if config.stepping == .epoch { trainer.stepScheduler() }
            let trainLoss = trainer.reduction == .meanOverRows
                ? lossSum / Double(seen)
                : wholeEpochLoss(logits: trainLogits, targets: trainTargets, rows: seen)
            let seenTargets = seen == order.count ? trainTargets : Array(trainTargets.prefix(seen * classes))
            let trainMetrics = EpochScores.evaluate(metrics, logits: trainLogits.pointer, targets: seenTargets,
                                                    rows: seen, classes: classes, config: config)
            let (validationLoss, validationMetrics) = validation.evaluate(trainer: trainer, metrics: metrics, config: config)
            guard validationLoss.isFinite else {
                return diverged(result, "validation loss \(validationLoss) at epoch \(epoch)")
            }
            let elapsed = ContinuousClock.now - start
            let record = EpochRecord(epoch: epoch, learningRate: trainer.scheduler.rate, stepRates: stepRates,
                                     trainLoss: trainLoss, validationLoss: validationLoss,
                                     trainMetrics: trainMetrics, validationMetrics: validationMetrics,
                                     seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
            result.epochs.append(record)
            let objective = config.objective.onTrainingSplit
                ? (config.objective.metric == "loss" ? record.trainLoss : (trainMetrics[config.objective.metric] ?? .nan))
                : (config.objective.metric == "loss" ? validationLoss : (validationMetrics[config.objective.metric] ?? .nan))
            if config.keepLastEpoch || config.objective.improves(objective, on: bestValue) {
                bestValue = objective
                result.bestEpoch = epoch
                result.bestState = trainer.head.stateDict()
            }
            onEpoch?(record)
        }
        return result
    }

    /// The loss of all the epoch's training rows at once, for a whole-batch loss (whose batch
    /// values cannot be averaged into it): the logits the training batches produced (train mode,
    /// each batch's before its update), as the training metrics see them.
    ///
    /// - Parameters:
    ///   - logits: (Ntrain, C) in epoch order; the first `rows` are used.
    ///   - targets: (Ntrain, C) 0/1 in the same order.
    ///   - rows: the rows the epoch trained on (all of them unless `maxSteps` cut it short).
    private func wholeEpochLoss(logits: FloatBuffer, targets: [UInt8], rows: Int) -> Double {
        let y = FloatBuffer(count: rows * classes)   // (rows, C)
        for i in 0..<(rows * classes) { y.pointer[i] = Float(targets[i]) }
        return trainer.loss(logits: logits.pointer, targets: y.pointer, rows: rows)
    }

    private func diverged(_ result: TrialResult, _ reason: String) -> TrialResult {
        var r = result
        r.state = .diverged
        r.divergence = reason
        return r
    }
}
