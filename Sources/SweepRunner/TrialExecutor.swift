import Foundation
import SweepCore
import SweepData
import SweepFeatureCache
import SweepPluginAPI
import SweepTensor
import SweepTrain

/// Runs trials inside a worker: cached features (memory-mapped once), plugins built from
/// the trial's config, the SweepTrain loop, and the best epoch's head written to
/// `checkpoints/<id>/`.
public final class TrialExecutor: @unchecked Sendable {
    let context: WorkerContext
    let catalog: PluginCatalog
    let features: CachedFeatures
    /// The single split's data (fold 0's with folds), checked at start.
    let data: TrialData

    /// Maps the cached features (the orchestrator verified their checksum before starting the
    /// workers; size and manifest are checked again) and checks them against the context.
    public init(context: WorkerContext, catalog: PluginCatalog) throws {
        self.context = context
        self.catalog = catalog
        features = try FeatureCache(directory: URL(fileURLWithPath: context.cacheDirectory)).open(key: context.cacheKey, verifyingChecksum: false)
        let rows = context.rows(fold: context.folds == nil ? nil : 0)
        data = TrialData(features: FeatureMatrix(base: features.pointer, rows: features.rows, columns: features.columns,
                                                 owner: features),
                         targets: context.targets, classes: context.classNames.count,
                         trainIndices: rows.train, validationIndices: rows.validation)
        try data.validate()
    }

    /// The data of one run: its fold's rows (or every non-test row for a refit).
    func data(for assignment: TrialAssignment) -> TrialData {
        var d = data
        (d.trainIndices, d.validationIndices) = context.rows(fold: assignment.fold, refit: assignment.refitEpochs != nil)
        return d
    }

    /// Runs one trial; `emitEpoch` receives each epoch's `EpochMetrics` as JSON. Returns the
    /// `TrialOutcome` JSON.
    public func run(_ ticket: TrialTicket, emitEpoch: @escaping @Sendable (String) -> Void) throws -> String {
        let assignment = try WorkerCodec.decode(TrialAssignment.self, from: ticket.payload)
        let config = assignment.config
        let train = config.train
        let data = data(for: assignment)
        try data.validate()
        try Self.checkPluginCode(config, catalog: catalog)
        let lossType = try catalog.loss(named: train.loss.name)
        let loss = try lossType.init(
            parameters: try PluginParameters(resolving: train.loss.parameters, against: lossType.parameters, plugin: lossType.name),
            context: data.lossContext(classNames: context.classNames))
        let metrics = try train.metrics.map { choice -> NamedMetric in
            let type = try catalog.metric(named: choice.name)
            let parameters = try PluginParameters(resolving: choice.parameters, against: type.parameters, plugin: type.name)
            return NamedMetric(name: choice.name, metric: try type.init(parameters: parameters))
        }
        var settings = Self.trainConfig(config)
        if let epochs = assignment.refitEpochs {
            settings.epochs = epochs
            settings.keepLastEpoch = true
            settings.maxSteps = assignment.refitSteps
        }
        if (train.objective.lastEpochs ?? 0) > 0 { settings.keepLastEpoch = true }
        settings.scores = lossType.labels == .exclusive ? .softmax : .sigmoid
        let result = try runTrial(data: data, config: settings, loss: loss, metrics: metrics) { record in
            if let json = try? Self.encode(Self.epochMetrics(record)) { emitEpoch(json) }
        }
        let epochs = result.epochs.map(Self.epochMetrics)
        // The trainer chose the best epoch (and kept its weights); the record uses the same one.
        let bestValue = train.objective.runValue(
            epochs.map { $0.value(train.objective.metric, on: train.objective.split) ?? .nan },
            best: epochs.first { $0.epoch == result.bestEpoch }?.value(train.objective.metric, on: train.objective.split))
        var written = false
        if let state = result.bestState, result.bestEpoch != nil {
            var card = ModelCard(
                classNames: context.classNames, threshold: train.threshold, scores: settings.scores,
                head: result.headConfig,
                trunk: .init(name: config.backbone.name, weights: context.weights, identity: context.weightsIdentity),
                preprocessing: context.preprocessing,
                trial: .init(id: ticket.id, sweep: context.sweep, parameters: assignment.parameters, bestEpoch: result.bestEpoch,
                             validation: epochs.first { $0.epoch == result.bestEpoch }?.val ?? [:],
                             data: context.dataDescription),
                pytorch: .init(head: result.headConfig, scores: settings.scores))
            card.thresholds = train.thresholds
            let scores = ValidationScores(head: try Head(config: result.headConfig, state: state), data: data,
                                          activation: settings.scores)
            try Checkpoint.write(state: state, card: card, validation: scores, to: context.checkpointsDirectory + "/" + ticket.id)
            written = true
        }
        let (state, reason) = TrialOutcome.state(diverged: result.state == .diverged ? (result.divergence ?? "diverged") : nil,
                                                 bestEpoch: result.bestEpoch, epochs: epochs.count,
                                                 objective: train.objective.label)
        let outcome = TrialOutcome(state: state, epochs: epochs, bestEpoch: result.bestEpoch, objective: bestValue,
                                   checkpointWritten: written, reason: reason)
        return try outcome.json()
    }

    /// Refuses a trial planned with other code of a user plugin than this binary has (the
    /// binary was rebuilt while the sweep ran): its record would not describe what ran.
    static func checkPluginCode(_ config: SweepCore.TrialConfig, catalog: PluginCatalog) throws {
        for (name, planned) in (config.pluginCode ?? [:]).sorted(by: { $0.key < $1.key }) {
            let here = catalog.sources[name]?.codeIdentity ?? "none"
            guard here == planned else {
                throw PluginError("plugin '\(name)': this worker's code (\(here.prefix(19))) is not the code the trial was "
                                  + "planned with (\(planned.prefix(19))); was sweep rebuilt during the run? Run the sweep again")
            }
        }
    }

    /// The sweep file's training settings in SweepTrain's terms.
    static func trainConfig(_ c: SweepCore.TrialConfig) -> SweepTrain.TrialConfig {
        let t = c.train
        var out = SweepTrain.TrialConfig()
        out.depth = t.head.depth
        out.widths = t.head.widths
        out.dropout = t.head.dropout
        switch t.optimizer.name {
        case .adam: out.optimizer = .adam(learningRate: t.optimizer.lr, weightDecay: t.optimizer.weightDecay)
        case .adamw: out.optimizer = .adamW(learningRate: t.optimizer.lr, weightDecay: t.optimizer.weightDecay)
        case .sgd: out.optimizer = .sgd(learningRate: t.optimizer.lr, momentum: t.optimizer.momentum,
                                        nesterov: t.optimizer.nesterov, weightDecay: t.optimizer.weightDecay)
        }
        switch t.schedule.name {
        case .constant: out.schedule = .constant
        case .step: out.schedule = .step(stepSize: t.schedule.stepSize ?? 1, gamma: t.schedule.gamma)
        case .cosine: out.schedule = .cosine(tMax: t.schedule.tMax ?? 1, etaMin: t.schedule.etaMin)
        }
        out.stepping = t.schedule.step == .batch ? .batch : .epoch
        out.epochs = t.epochs
        out.batchSize = t.batchSize
        out.seed = UInt64(truncatingIfNeeded: c.seed)
        out.threshold = t.threshold
        out.classThresholds = t.thresholds
        var objective = SweepTrain.Objective(metric: t.objective.metric, higherIsBetter: t.objective.direction == .max)
        objective.onTrainingSplit = t.objective.split == .train
        out.objective = objective
        return out
    }

    static func epochMetrics(_ r: EpochRecord) -> EpochMetrics {
        var train = r.trainMetrics, val = r.validationMetrics
        train["loss"] = r.trainLoss
        val["loss"] = r.validationLoss
        return EpochMetrics(epoch: r.epoch, lr: r.learningRate, lrs: r.stepRates, train: train, val: val, seconds: r.seconds)
    }

    static func encode(_ e: EpochMetrics) throws -> String { try WorkerCodec.encode(e) }
}

/// The payload of a `TrialTicket`: the trial's resolved settings and its swept values.
public struct TrialAssignment: Codable, Sendable {
    /// The resolved settings.
    public var config: SweepCore.TrialConfig
    /// The swept values by parameter name (for the model card).
    public var parameters: [String: SweptValue]
    /// The fold whose rows validate the run (nil: the single validation split).
    public var fold: Int?
    /// Set for a refit: train on every non-test row for this many epochs, keeping the last.
    public var refitEpochs: Int?
    /// Set for a refit whose schedule steps per batch: stop after this many optimiser steps in
    /// all (the runs' count, see `RefitLength`), the last epoch then partial.
    public var refitSteps: Int?

    /// The assignment of `trial`.
    public init(_ trial: Trial) {
        config = trial.config
        parameters = trial.parameterValues
        fold = trial.fold
    }

    /// JSON text for a ticket.
    public func json() throws -> String { try WorkerCodec.encode(self) }
}
