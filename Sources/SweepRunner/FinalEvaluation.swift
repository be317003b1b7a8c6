import Foundation
import SweepCore
import SweepData
import SweepFeatureCache
import SweepPluginAPI
import SweepSelection
import SweepTensor
import SweepTrain

/// The end of a sweep: choose the best configuration (`ConfigurationBoard`), tune its
/// thresholds on its runs' pooled validation predictions (`train.threshold: tune`), refit it on
/// every non-test row (`refit`), point `best` at the chosen model, and only then evaluate the
/// configuration's run heads and the chosen model on the held-out test rows, into `final.json`.
/// The choice, the thresholds and the refit are made before any test label is read (the test
/// targets are a separate argument the worker context never holds).
struct FinalEvaluation {
    let plan: SweepPlan
    let store: ResultsStore
    let context: WorkerContext
    let catalog: PluginCatalog
    /// The test rows and their (rows, C) targets, from the data set itself.
    let testRows: [Int]
    let testTargets: [UInt8]
    let log: (String) -> Void

    /// Runs it over `records` (the sweep's finished runs); nil when no configuration completed.
    @discardableResult
    func run(records: [TrialRecord]) throws -> FinalReport? {
        let spec = plan.spec
        let board = ConfigurationBoard(plan: plan)
        guard let chosen = board.configurations(records).first, !chosen.completeRuns.isEmpty else { return nil }
        let classes = context.classNames.count
        // the chosen configuration's thresholds (the grid may sweep them): one, or one per class
        let chosenTrain = chosen.runs.first?.config.train ?? spec.train
        let fixed = chosenTrain.threshold
        let given = chosenTrain.thresholds.flatMap { $0.count == classes ? $0 : nil }
        // One BLAS thread: the refit and any re-trained run come out the same on every machine
        // and resume, whatever the worker count.
        BLAS.setThreads(1)
        // A run whose head was dropped while its configuration was not among the best is trained
        // again (same settings, seed and rows) for the evaluation.
        let missing = chosen.completeRuns.filter { !FileManager.default.fileExists(atPath: store.checkpointPath($0.id)) }
        if !missing.isEmpty {
            log("final evaluation: training again \(missing.count) run(s) of the chosen configuration whose heads were not kept")
            let executor = try TrialExecutor(context: context, catalog: catalog)
            for r in missing {
                guard let trial = plan.trials.first(where: { $0.id == r.id }) else { continue }
                _ = try executor.run(TrialTicket(id: r.id, attempt: 1, payload: try TrialAssignment(trial).json()), emitEpoch: { _ in })
            }
        }
        let runs = chosen.completeRuns.filter { FileManager.default.fileExists(atPath: store.checkpointPath($0.id)) }

        // Pooled validation predictions of the runs (out-of-fold with folds); targets from the
        // context (the validation rows' are there; the test rows' are zeros and never used here).
        var pooledScores: [Double] = [], pooledTargets: [UInt8] = [], pooledRows = 0, pooledRowList: [Int] = []
        for r in runs {
            guard let v = try ValidationScores.read(from: store.checkpointPath(r.id)), v.classes == classes else { continue }
            pooledScores += v.scores
            for row in v.rows { pooledTargets += context.targets[(row * classes)..<((row + 1) * classes)] }
            pooledRows += v.rows.count
            pooledRowList += v.rows
        }
        let tuned = spec.thresholdTune && pooledRows > 0
            ? ThresholdTuning.tune(scores: pooledScores, targets: pooledTargets, rows: pooledRows, classes: classes, fixed: fixed)
            : nil
        let metrics = try namedMetrics()
        let pooled = FinalReport.MetricPair(
            fixed: pooledRows > 0 ? Self.evaluate(metrics, scores: pooledScores, targets: pooledTargets, rows: pooledRows, thresholds: given, fixed: fixed) : [:],
            tuned: tuned.flatMap { t in pooledRows > 0 ? Self.evaluate(metrics, scores: pooledScores, targets: pooledTargets, rows: pooledRows, thresholds: t, fixed: fixed, onlyThresholdMetrics: true) : nil })

        // The chosen model: a refit on every non-test row, or the best run.
        var modelPath: String
        var refitEpochs: Int?
        var refitSteps: Int?
        if spec.refitsChosen, let first = chosen.runs.first {
            let length = RefitLength.plan(
                config: TrialExecutor.trainConfig(first.config),
                runs: chosen.completeRuns.compactMap { r in
                    r.bestEpoch.map { RefitLength.Run(keptEpoch: $0, trainingRows: context.rows(fold: r.fold).train.count) }
                },
                refitRows: context.rows(fold: nil, refit: true).train.count)
            refitEpochs = length.epochs
            refitSteps = length.steps
            try refit(first, length: length)
            try store.pointBestAtRefit()
            modelPath = "refit"
        } else {
            modelPath = "checkpoints/" + (runs.first?.id ?? "")
        }
        let modelFolder = store.directory + "/" + modelPath

        // Only now the test rows: each run's head, and the chosen model.
        var test: FinalReport.TestResult?
        var modelTest: [String: Double]?
        if !testRows.isEmpty {
            let features = try FeatureCache(directory: URL(fileURLWithPath: context.cacheDirectory))
                .open(key: context.cacheKey, verifyingChecksum: false)
            let matrix = FeatureMatrix(base: features.pointer, rows: features.rows, columns: features.columns, owner: features)
            func scores(_ folder: String) throws -> [Double] {
                let (card, head) = try Checkpoint.read(folder)
                let data = TrialData(features: matrix, targets: testTargets, classes: classes, trainIndices: testRows,
                                     validationIndices: testRows)
                return ValidationScores(head: head, data: data, activation: card.scores).scores
            }
            var perRun: [[String: Double]] = [], perRunTuned: [[String: Double]] = []
            for r in runs {
                let s = try scores(store.checkpointPath(r.id))
                perRun.append(Self.evaluate(metrics, scores: s, targets: testTargets, rows: testRows.count, thresholds: given, fixed: fixed))
                if let tuned {
                    perRunTuned.append(Self.evaluate(metrics, scores: s, targets: testTargets, rows: testRows.count, thresholds: tuned,
                                                     fixed: fixed, onlyThresholdMetrics: true))
                }
            }
            let s = try scores(modelFolder)
            let model = FinalReport.MetricPair(
                fixed: Self.evaluate(metrics, scores: s, targets: testTargets, rows: testRows.count, thresholds: given, fixed: fixed),
                tuned: tuned.map { Self.evaluate(metrics, scores: s, targets: testTargets, rows: testRows.count, thresholds: $0, fixed: fixed,
                                                 onlyThresholdMetrics: true) })
            test = FinalReport.TestResult(rows: testRows.count, runs: Self.summaries(perRun),
                                          runsTuned: tuned == nil ? nil : Self.summaries(perRunTuned), model: model)
            modelTest = model.fixed.merging(model.tuned ?? [:]) { _, t in t }
        }

        // The chosen model's card says how it was chosen. A refit has no validation rows of its
        // own: its card carries the configuration's mean validation metrics over its runs, and
        // its folder their pooled validation scores (what the report's per-class table shows).
        var card = try Checkpoint.readCard(modelFolder)
        if refitEpochs != nil {
            card.trial.validation = chosen.metricMeans
            card.trial.bestEpoch = refitEpochs.map { $0 - 1 }
            if pooledRows > 0 {
                try ValidationScores(rows: pooledRowList, classes: classes, scores: pooledScores).write(into: modelFolder)
            }
        }
        card.thresholds = tuned ?? given
        card.selection = ModelCard.Selection(model: refitEpochs == nil ? "best_run" : "refit", configuration: chosen.id,
                                             objective: spec.train.objective.label, runs: chosen.objective.n,
                                             mean: chosen.objective.mean, sd: chosen.objective.sd, refitEpochs: refitEpochs,
                                             refitSteps: refitSteps, test: modelTest)
        try DurableFiles.writeAtomically(try WorkerCodec.encoder(pretty: true).encode(card), to: modelFolder + "/" + Checkpoint.cardFile)

        let report = FinalReport(configuration: chosen.id, parameters: chosen.parameters, rankBy: spec.rankBy.rawValue,
                                 objective: spec.train.objective.label, validation: chosen.objective, runs: chosen.runs.map(\.id),
                                 thresholds: .init(fixed: fixed, given: given, tuned: tuned, classes: context.classNames),
                                 pooledValidation: pooled, model: refitEpochs == nil ? "best_run" : "refit", modelPath: modelPath,
                                 refitEpochs: refitEpochs, refitSteps: refitSteps, test: test)
        try DurableFiles.writeAtomically(try report.json(), to: store.finalPath)
        return report
    }

    /// Trains `run`'s configuration (at the sweep's seed) on every non-test row for `length`
    /// (epochs, and optimiser steps with a per-batch schedule), in this process, into `refit/`.
    func refit(_ run: TrialRecord, length: RefitLength) throws {
        var config = run.config
        config.seed = plan.spec.seed
        let trial = plan.trials.first { $0.configID == run.configID }
        var assignment = TrialAssignment(Trial(id: "refit", index: 0, parameters: trial?.parameters ?? [], config: config))
        assignment.fold = nil
        assignment.refitEpochs = length.epochs
        assignment.refitSteps = length.steps
        var refitContext = context
        refitContext.checkpointsDirectory = store.directory
        let executor = try TrialExecutor(context: refitContext, catalog: catalog)
        log("refit: configuration \(run.configID) on all \(context.trainIndices.count + context.validationIndices.count) "
            + "non-test images for \(length.epochs) epoch(s)" + (length.steps.map { ", \($0) optimiser steps (as many as its runs took)" } ?? ""))
        _ = try executor.run(TrialTicket(id: "refit", attempt: 1, payload: try assignment.json()), emitEpoch: { _ in })
    }

    func namedMetrics() throws -> [NamedMetric] {
        try plan.spec.train.metrics.map { choice in
            let type = try catalog.metric(named: choice.name)
            return NamedMetric(name: choice.name, metric: try type.init(
                parameters: try PluginParameters(resolving: choice.parameters, against: type.parameters, plugin: type.name)))
        }
    }

    /// Each metric of (rows, C) `scores` against `targets`: at `fixed` when `thresholds` is nil,
    /// else at the per-class thresholds (`ClassThresholds`: the metrics of the 0/1 predictions
    /// see the scores moved, rank metrics the scores as they are); with `onlyThresholdMetrics`
    /// the metrics that do not depend on the threshold (ROC AUC) are left out.
    static func evaluate(_ metrics: [NamedMetric], scores: [Double], targets: [UInt8], rows: Int, thresholds: [Double]?,
                         fixed: Double, onlyThresholdMetrics: Bool = false) -> [String: Double] {
        let columns = rows == 0 ? 0 : scores.count / rows
        guard rows > 0, columns > 0 else { return [:] }
        var values: [String: Double] = [:]
        let plain = MetricInput(scores: scores, targets: targets, rows: rows, columns: columns, threshold: fixed)
        for m in metrics {
            if onlyThresholdMetrics, !ClassThresholds.dependsOnThreshold(m.metric, plain) { continue }
            values[m.name] = ClassThresholds.evaluate(m.metric, plain, thresholds: thresholds)
        }
        return values
    }

    static func summaries(_ values: [[String: Double]]) -> [String: Summary] {
        let names = Set(values.flatMap(\.keys))
        return Dictionary(uniqueKeysWithValues: names.map { n in (n, Summary(values.compactMap { $0[n] })) })
    }
}
