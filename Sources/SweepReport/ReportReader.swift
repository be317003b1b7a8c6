import Foundation
import SweepCore
import SweepRunner
import SweepSelection

/// Turns a results folder into a `ReportModel`. What does not change during a sweep (the
/// context, the chosen model of a given `best`) is read once and kept, so the model can be
/// rebuilt after every finished trial of a long sweep from the records in memory.
///
/// Reads only: `trials.jsonl` without repairing a partial last line (a running sweep may be
/// appending it), `context.json`, `ABOUT.txt`, `best/model.json` and `best/val_scores.npy`.
public final class ReportReader: @unchecked Sendable {
    /// The results folder.
    public let store: ResultsStore
    /// The sweep whose folder it is (its resolved `sweep.yaml`).
    public let plan: SweepPlan
    let leaderboard: Leaderboard
    let planned: Set<String>
    private let lock = NSLock()
    private var context: WorkerContext?
    private var chosen: (key: String, model: ChosenModel?)?

    /// A reader of `store`'s folder for `plan`.
    public init(store: ResultsStore, plan: SweepPlan) {
        self.store = store
        self.plan = plan
        leaderboard = Leaderboard(plan: plan)
        planned = Set(plan.trials.map(\.id))
    }

    /// The model from the records in `trials.jsonl` (the last record of an id wins).
    public func model(now: Date = Date()) throws -> ReportModel {
        try model(records: store.loadRecords(repair: false), now: now)
    }

    /// The model from `records` (those of trials the plan does not have are left out, as the
    /// leaderboard leaves them out).
    public func model(records: [TrialRecord], now: Date = Date()) throws -> ReportModel {
        // TPE proposes trials during the run: those of its space are the sweep's too
        let proposed = plan.spec.search.method == .tpe
        let ranked = leaderboard.ranked(records.filter {
            planned.contains($0.id) || (proposed && plan.spec.point(of: $0.parameters) != nil)
        })
        return lock.withLock {
            let context = loadContext()
            let spec = plan.spec
            var model = ReportModel(
                sweep: spec.name, generated: now, provenance: provenance(context),
                objective: spec.train.objective, parameters: Self.axes(spec.grid, records: ranked),
                metricNames: leaderboard.metricNames,
                lossName: spec.grid.contains { $0.path == "train.loss.name" } ? "loss" : spec.train.loss.name,
                leaderboard: Table(header: leaderboard.header, rows: leaderboard.rows(ranked)),
                configurations: Self.configurations(ranked), progress: Self.progress(ranked, planned: proposed ? max(spec.search.trials, plan.trials.count) : plan.trials.count),
                failures: Self.failures(ranked), chosen: loadChosen(context, records: ranked))
            let board = ConfigurationBoard(plan: plan)
            model.configurationBoard = Table(header: board.header, rows: board.rows(ranked))
            return model
        }
    }

    // MARK: parts

    /// One configuration per record today (a configuration's id is its trial's id).
    static func configurations(_ ranked: [TrialRecord]) -> [Configuration] {
        ranked.enumerated().map { i, r in
            let run = Run(id: r.id, state: r.state, objective: r.objective, bestEpoch: r.bestEpoch, epochs: r.epochs,
                          seconds: r.timings.seconds, seed: r.seed, reason: r.failure?.reason)
            let value = r.state == .complete ? r.objective.map { [$0] } ?? [] : []
            return Configuration(id: r.id, rank: i + 1, parameters: r.parameters, runs: [run], objective: Aggregate(value))
        }
    }

    static func progress(_ records: [TrialRecord], planned: Int) -> Progress {
        var counts: [TrialState: Int] = [:]
        for r in records { counts[r.state, default: 0] += 1 }
        let first = records.map(\.timings.start).min(), last = records.map(\.timings.end).max()
        return Progress(planned: planned, counts: counts, trialSeconds: records.reduce(0) { $0 + $1.timings.seconds },
                        wallSeconds: first.flatMap { f in last.map { $0.timeIntervalSince(f) } } ?? 0, first: first, last: last)
    }

    static func failures(_ ranked: [TrialRecord]) -> [FailureNote] {
        ranked.filter { $0.state != .complete }.map { r in
            let reason = r.failure?.reason ?? {
                switch r.state {
                case .diverged:
                    let last = r.epochs.last.map { "after epoch \($0.epoch)" } ?? "in its first epoch"
                    return "the loss became NaN, infinite or exploded \(last) (no detailed reason recorded)"
                case .pruned: return "stopped early" + (r.epochs.last.map { " after epoch \($0.epoch)" } ?? "")
                default: return "no reason recorded"
                }
            }()
            return FailureNote(id: r.id, state: r.state, reason: reason, stderrTail: r.failure?.stderrTail ?? "",
                               attempts: r.attempts)
        }
    }

    /// The grid's axes with their values in file order, then any value only the records have.
    static func axes(_ grid: [GridAxis], records: [TrialRecord]) -> [ParameterAxis] {
        grid.map { axis in
            var values = axis.values
            for r in records { if let v = r.parameters[axis.name], !values.contains(v) { values.append(v) } }
            return ParameterAxis(name: axis.name, values: values, scale: scale(of: values))
        }
    }

    /// Positive numbers whose largest is 20 times the smallest or more get a log axis (a grid
    /// gives no scale); numbers otherwise a linear one; anything else is categorical.
    static func scale(of values: [SweptValue]) -> ParameterAxis.Scale {
        let numbers = values.compactMap(\.number)
        guard numbers.count == values.count, !numbers.isEmpty else { return .categorical }
        guard let lo = numbers.min(), let hi = numbers.max(), lo > 0, hi / lo >= 20 else { return .linear }
        return .log
    }

    private func loadContext() -> WorkerContext? {
        if context == nil, FileManager.default.fileExists(atPath: store.contextPath) {
            context = try? WorkerContext.read(store.contextPath)
        }
        return context
    }

    func provenance(_ context: WorkerContext?) -> Provenance {
        let about = (try? String(contentsOfFile: store.directory + "/ABOUT.txt", encoding: .utf8)) ?? ""
        func line(_ key: String) -> String? {
            about.split(separator: "\n").first { $0.hasPrefix(key + ": ") }.map { String($0.dropFirst(key.count + 2)) }
        }
        let data = context?.dataDescription ?? line("data")
        let identity = context?.weightsIdentity ?? line("trunk weights identity")
        let failures = (context?.pluginCheckFailures ?? [:]).sorted { $0.key < $1.key }.flatMap(\.value)
        return Provenance(data: data, syntheticData: data?.hasPrefix("SYNTHETIC") ?? false,
                          trunk: line("trunk") ?? context.map { "ResNet50 weights \($0.weights)" },
                          weightsIdentity: identity, randomTrunk: identity?.hasPrefix("random:") ?? false,
                          featureCacheKey: context?.cacheKey ?? line("feature cache key"), sweepFile: store.specPath,
                          trainRows: context?.trainIndices.count, validationRows: context?.validationIndices.count,
                          pluginCheckFailures: failures)
    }

    private func loadChosen(_ context: WorkerContext?, records: [TrialRecord]) -> ChosenModel? {
        guard let id = store.bestTrialID else { return nil }
        let folder = id == "refit" ? store.refitPath : store.checkpointPath(id)
        let stamp = (try? FileManager.default.attributesOfItem(atPath: folder + "/" + Checkpoint.cardFile))?[.modificationDate]
        let key = "\(id) \(String(describing: stamp)) \(context != nil)"
        if let chosen, chosen.key == key { return chosen.model }
        let model = Self.readChosen(folder: folder, id: id, context: context)
        chosen = (key, model)
        return model
    }

    /// The chosen model of a checkpoint folder, with its validation evaluation when the folder
    /// has the scores and `context` the targets.
    static func readChosen(folder: String, id: String, context: WorkerContext?) -> ChosenModel? {
        guard let card = try? Checkpoint.readCard(folder) else { return nil }
        let classes = card.classNames.count
        let thresholds = card.classThresholds   // per class (threshold: tune or a list), or the card's one
        var evaluation: ValidationEvaluation?
        if let scores = try? ValidationScores.read(from: folder), let context, scores.classes == classes,
           scores.rows.allSatisfy({ $0 >= 0 && ($0 + 1) * classes <= context.targets.count }) {
            let targets = scores.rows.flatMap { row in context.targets[row * classes..<(row + 1) * classes] }
            evaluation = ValidationEvaluation(scores: scores.scores, targets: targets, rows: scores.rows.count,
                                              thresholds: thresholds)
        }
        let selection = card.selection.map { s in
            (s.model == "refit" ? "refit on every non-test image for \(s.refitEpochs ?? 0) epochs"
                + (s.refitSteps.map { " (\($0) optimiser steps)" } ?? "") : "the best run")
                + " of configuration \(s.configuration): \(s.objective) "
                + (s.mean.map { String(format: "%.4f", $0) } ?? "-") + (s.sd.map { String(format: " ± %.4f", $0) } ?? "")
                + " over \(s.runs) run(s)" + (card.thresholds == nil ? "" : "; one threshold per class")
        }
        return ChosenModel(id: id, classNames: card.classNames, thresholds: thresholds, bestEpoch: card.trial.bestEpoch,
                           parameters: card.trial.parameters, validation: card.trial.validation, evaluation: evaluation,
                           test: card.selection?.test, selection: selection)
    }
}
