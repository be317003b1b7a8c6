import Foundation
import SweepCore
import SweepExecutors
import SweepSearch
import SweepSelection

/// What the recorder writes for a trial the pruner stopped: the epochs it ran, its best one,
/// the decision (epoch, rung and the numbers) and where it stopped.
public struct PrunedTrial: Sendable {
    public var epochs: [EpochMetrics]
    public var bestEpoch: Int?
    public var objective: Double?
    public var reason: String
    /// The record's `pruned`: method, epochs run, rung.
    public var point: PruningPoint?
}

/// The search during a run: hands the queue its trials one at a time (random draws, then TPE
/// proposals asked of the sampler as workers free up, until `search.trials` or the time budget),
/// and judges each reported epoch with the pruner. Its whole state is the recorder's records and
/// the trials it handed out, so a resumed run rebuilds it from `trials.jsonl`. With `race: true`
/// it hands out the runs the race wants, round by round (`RaceStandings`, see RaceDriving.swift).
actor SearchDriver {
    let spec: SweepSpec
    let makeTrial: (@Sendable ([SweptParameter], Int) -> Trial?)?
    let recorder: SweepRecorder
    let log: @Sendable (String) -> Void
    let started = Date()
    /// Trials in search order: recorded ones first (resume), then those handed out.
    private var order: [Trial]
    /// Planned trials not yet handed out, in plan order.
    private var waiting: [Trial]
    var handedOut: Set<String> = []
    /// A TPE proposal is being made (it suspends to read the records): another worker's `next()`
    /// waits for it instead of passing the budget check on the same count (actor reentrancy).
    private var proposing = false
    /// The race (`race: true`), and every planned run by id.
    let race: RaceStandings?
    var planned: [String: Trial] = [:]
    /// Race rounds whose decisions are logged.
    var loggedRounds: Set<Int> = []
    private var curves: [String: [EpochMetrics]] = [:]
    private var stopping: Set<String> = []
    private var executor: (any SweepExecutor)?
    private var outOfTime = false

    /// - Parameters:
    ///   - recorded: trials with a record already (in `trials.jsonl` order).
    ///   - waiting: planned trials to run, in plan order.
    init(spec: SweepSpec, makeTrial: (@Sendable ([SweptParameter], Int) -> Trial?)?, recorder: SweepRecorder,
         recorded: [Trial], waiting: [Trial], log: @escaping @Sendable (String) -> Void) {
        self.spec = spec
        self.makeTrial = makeTrial
        self.recorder = recorder
        self.order = recorded
        self.waiting = waiting
        self.log = log
        let all = (recorded + waiting).sorted { $0.index < $1.index }  // plan order: run i is the same seed/fold everywhere
        race = RaceStandings(plan: SweepPlan(spec: spec, trials: all))
        if race != nil { planned = Dictionary(all.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a }) }
    }

    func attach(_ executor: any SweepExecutor) { self.executor = executor }

    var direction: Direction { spec.train.objective.direction == .max ? .maximize : .minimize }

    /// The next trial to start, or nil when the search is done (or out of time).
    func next() async -> TrialTicket? {
        if let budget = spec.search.timeBudget, Date().timeIntervalSince(started) > budget {
            if !outOfTime { log("search: the time budget of \(SweptValue.number(budget)) s is used; no new trial starts") }
            outOfTime = true
            return nil
        }
        var trial: Trial?
        if let race {
            trial = await raceNext(race)
        } else {
            // one proposal at a time: the next sees the last one's configuration and runs
            while proposing { await Task.yield() }
            if !waiting.isEmpty {
                trial = waiting.removeFirst()
            } else if spec.search.method == .tpe, Set(order.map(\.configID)).count < spec.search.trials {
                proposing = true
                let configuration = await propose()
                proposing = false
                if let configuration {
                    // all the configuration's runs (repeats, folds) go out before the next proposal
                    let runs = spec.runs(of: configuration, firstIndex: order.count)
                    trial = runs.first
                    waiting += runs.dropFirst()  // (no suspension before `order` has the first)
                }
            }
        }
        guard let trial else { return nil }
        if !order.contains(where: { $0.id == trial.id }) { order.append(trial) }
        handedOut.insert(trial.id)
        await recorder.add(trial)
        return try? TrialTicket(id: trial.id, attempt: 1, payload: TrialAssignment(trial).json())
    }

    /// TPE's proposal (a configuration, its repeat-0 trial) from every configuration so far:
    /// one observation per configuration, its mean objective once all its runs are recorded,
    /// running until then (the constant liar's bad trials).
    private func propose() async -> Trial? {
        let all = await recorder.records
        let records = Dictionary(all.map { ($0.id, $0) }, uniquingKeysWith: { _, b in b })
        var configurations: [String] = [], runs: [String: [Trial]] = [:]
        for t in order {
            if runs[t.configID] == nil { configurations.append(t.configID) }
            runs[t.configID, default: []].append(t)
        }
        var history: [Observation] = []
        for id in configurations {
            guard let mine = runs[id], let first = mine.first, let point = spec.point(of: first.parameterValues) else { continue }
            history.append(Observation(point: point, state: observed(mine.compactMap { records[$0.id] }, runs: spec.runsPerConfiguration)))
        }
        let known = Set(configurations).union(all.map(\.configID))
        let sampler = TPESampler(space: spec.searchSpace, seed: spec.search.seed, direction: direction)
        // a proposal equal to an earlier configuration (lists and integers only) is drawn again at the next index
        for attempt in 0..<20 {
            let index = configurations.count + attempt * spec.search.trials
            let point = sampler.suggest(index: index, history: history)
            guard let trial = makeTrial?(spec.parameters(at: point), order.count) else { continue }
            if !known.contains(trial.configID) { return trial }
        }
        return nil
    }

    /// A configuration as TPE sees it from the records of its runs: running until all `runs` are
    /// recorded; then complete with the mean objective of its complete runs, else pruned (the
    /// furthest pruned run's epochs, the mean of their last values), else failed. One run: its state.
    func observed(_ recorded: [TrialRecord], runs: Int) -> Observation.State {
        guard recorded.count >= runs, !recorded.isEmpty else { return .running }
        let objective = spec.train.objective
        let values = recorded.filter { $0.state == .complete }.compactMap(\.objective)
        if !values.isEmpty { return .complete(values.reduce(0, +) / Double(values.count)) }
        let pruned = recorded.filter { $0.state == .pruned }
        guard !pruned.isEmpty else { return .failed }
        let lasts = pruned.compactMap { $0.epochs.last.flatMap { $0.value(objective.metric, on: objective.split) } }
        return .pruned(step: pruned.map(\.epochs.count).max(), value: lasts.isEmpty ? nil : lasts.reduce(0, +) / Double(lasts.count))
    }

    /// Judges trial `ticket`'s newest epoch; stops the trial when the pruner says so.
    func epoch(_ ticket: TrialTicket, payload: String) async {
        guard spec.pruner.method != .none, !stopping.contains(ticket.id),
              let epoch = try? WorkerCodec.decode(EpochMetrics.self, from: payload) else { return }
        curves[ticket.id, default: []].append(epoch)
        // the last epoch is not judged: the trial is complete with it, stopping saves nothing
        if let trial = order.first(where: { $0.id == ticket.id }), epoch.epoch + 1 >= trial.config.train.epochs { return }
        let objective = spec.train.objective
        func curve(_ epochs: [EpochMetrics]) -> Curve {
            var c: Curve = [:]
            for e in epochs { if let v = e.value(objective.metric, on: objective.split) { c[e.epoch + 1] = v } }
            return c
        }
        let mine = curve(curves[ticket.id] ?? [])
        let records = await recorder.records
        let p = spec.pruner
        let decision: PruneDecision
        switch p.method {
        case .none: return
        case .median:
            let pruner = MedianPruner(startupTrials: p.startupTrials, warmupSteps: p.warmupEpochs, interval: p.interval)
            decision = pruner.decide(mine, complete: records.filter { $0.state == .complete }.map { curve($0.epochs) },
                                     direction: direction)
        case .asha:
            let pruner = ASHAPruner(minResource: p.minResource, reductionFactor: p.reductionFactor)
            let recorded = Set(records.map(\.id))
            let others = records.filter { $0.id != ticket.id }.map { curve($0.epochs) }
                + curves.filter { $0.key != ticket.id && !recorded.contains($0.key) }.map { curve($0.value) }
            let rungs = others.map { pruner.rungValues($0) }
            decision = pruner.decide(mine, rungs: { r in rungs.compactMap { r < $0.count ? $0[r] : nil } }, direction: direction)
        }
        guard decision.prune else { return }
        stopping.insert(ticket.id)
        let epochs = curves[ticket.id] ?? []
        let best = TrialRecord.bestEpoch(of: epochs, by: objective)
        let reason = "pruned by \(p.method.rawValue) after \(epochs.count) epoch(s)"
            + (decision.rung.map { " at rung \($0)" } ?? "") + ": " + decision.reason
        log("trial \(ticket.id) \(reason)")
        await recorder.markPruned(ticket.id, PrunedTrial(epochs: epochs, bestEpoch: best?.epoch, objective: best?.value, reason: reason,
                                                            point: PruningPoint(method: p.method.rawValue, epochs: epochs.count,
                                                                                rung: decision.rung)))
        await executor?.stop(trial: ticket.id, reason: reason)
    }
}

extension SearchDriver {
    /// True when the run needs a driver: trials proposed during the run, a time budget or a pruner.
    static func needed(_ spec: SweepSpec) -> Bool {
        spec.search.method != .grid || spec.pruner.method != .none || spec.race
    }

    /// `plan` with the TPE configurations recorded by an earlier run (not in the plan, which holds
    /// only the random startup trials), every run of each (so the runs a killed run did not record
    /// are still to run), so their records are kept and counted.
    static func plan(_ plan: SweepPlan, recorded: [TrialRecord]) -> SweepPlan {
        guard plan.spec.search.method == .tpe else { return plan }
        var extended = plan
        var known = Set(plan.trials.map(\.id))
        var configurations = Set(plan.trials.map(\.configID))
        for r in recorded where !known.contains(r.id) && configurations.insert(r.configID).inserted {
            let parameters = plan.spec.grid.compactMap { axis in r.parameters[axis.name].map { SweptParameter(name: axis.name, value: $0) } }
            guard parameters.count == plan.spec.grid.count, plan.spec.point(of: r.parameters) != nil,
                  let configuration = plan.makeTrial?(parameters, extended.trials.count),
                  configuration.configID == r.configID else { continue }
            let runs = plan.spec.runs(of: configuration, firstIndex: extended.trials.count)
            extended.trials += runs
            known.formUnion(runs.map(\.id))
        }
        // records of configurations not rebuilt above (the plan's code changed): kept as they are
        for r in recorded where known.insert(r.id).inserted {
            let parameters = plan.spec.grid.compactMap { axis in r.parameters[axis.name].map { SweptParameter(name: axis.name, value: $0) } }
            guard parameters.count == plan.spec.grid.count, plan.spec.point(of: r.parameters) != nil else { continue }
            extended.trials.append(Trial(id: r.id, index: extended.trials.count, parameters: parameters, config: r.config,
                                         configID: r.configID, repeat: r.repeat, fold: r.fold))
        }
        return extended
    }

    /// Trials this run will start: the unfinished planned ones, for TPE enough to reach
    /// `search.trials`, for a race the runs it gives that have no record (none once it is finished).
    static func toRun(_ plan: SweepPlan, remaining: Int, records: [TrialRecord] = []) -> Int {
        if let race = RaceStandings(plan: plan) {
            if race.state(records).finished { return 0 }
            let planned = Set(plan.trials.map(\.id))
            let recorded = Set(records.map(\.id)).intersection(planned).count
            return min(remaining, max(1, race.totalRuns - recorded))
        }
        guard plan.spec.search.method == .tpe else { return remaining }
        let finished = plan.trials.count - remaining
        return max(remaining, plan.spec.search.trials * plan.spec.runsPerConfiguration - finished)
    }
}
