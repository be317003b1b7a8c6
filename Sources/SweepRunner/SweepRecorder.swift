import Foundation
import SweepCore
import SweepSelection
import SweepTensor

/// Turns worker reports into immutable trial records and keeps `results/<name>/` consistent
/// after each one: append to `trials.jsonl`, re-point `best`, rewrite `leaderboard.csv` (one
/// row per configuration) and `runs.csv` (one row per run), refresh the status line.
public actor SweepRecorder: TrialSink {
    let store: ResultsStore
    let leaderboard: Leaderboard
    /// The configurations' leaderboard, over `leaderboard`'s runs.
    let board: ConfigurationBoard
    var trials: [String: Trial]
    let display: StatusDisplay
    /// Accepted failures of the shared suite, by plugin name (`--allow-failing-plugins`).
    let pluginCheckFailures: [String: [String]]
    /// Checkpoints kept (`keep` in the sweep file).
    let keep: Int
    let started = monotonicSeconds()
    private(set) var records: [TrialRecord]
    private var recordedIDs: Set<String>
    /// Rerun trials whose new record has not arrived (their old one is still in `records`).
    private var awaitingRerun: Set<String>
    private var status: SweepStatus
    private var attemptStart: [String: Date] = [:]
    private var writeError: (any Error)?
    private var queue: TrialQueue?
    /// Trials a pruner stopped, recorded `pruned` when their attempt ends (see `SearchDriver`).
    var prunedTrials: [String: PrunedTrial] = [:]
    /// Told every epoch a worker reports (the pruner).
    var epochObserver: (@Sendable (TrialTicket, String) async -> Void)?
    /// Told the ranked records after every rewrite of the leaderboard (e.g. to refresh the HTML report).
    let onResults: (@Sendable ([TrialRecord]) -> Void)?

    /// - Parameters:
    ///   - plan: every trial of the sweep (finished ones included).
    ///   - existing: records already in `trials.jsonl` (one per id).
    ///   - rerunning: ids of `existing` that run again (`--rerun`): their old records stay in
    ///     the leaderboard and `best` until the new ones replace them, so a rerun stopped
    ///     half-way loses nothing and points `best` at nothing worse.
    ///   - pluginCheckFailures: the shared suite's failures of plugins the sweep uses, by plugin
    ///     name, accepted with `--allow-failing-plugins`; copied into the records of the trials
    ///     that use them.
    ///   - onResults: called with the ranked records after each rewrite of the leaderboard.
    public init(store: ResultsStore, plan: SweepPlan, existing: [TrialRecord], rerunning: Set<String> = [],
                display: StatusDisplay, pluginCheckFailures: [String: [String]] = [:], onResults: (@Sendable ([TrialRecord]) -> Void)? = nil) {
        self.store = store
        self.onResults = onResults
        self.pluginCheckFailures = pluginCheckFailures
        self.leaderboard = Leaderboard(plan: plan)
        self.board = ConfigurationBoard(plan: plan)
        self.keep = plan.spec.keep
        self.trials = Dictionary(plan.trials.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        self.display = display
        let planned = Set(plan.trials.map(\.id))
        self.records = existing.filter { planned.contains($0.id) }
        self.recordedIDs = Set(records.map(\.id)).subtracting(rerunning)
        self.awaitingRerun = Set(records.map(\.id)).intersection(rerunning)
        var status = SweepStatus(total: plan.trials.count)
        let kept = records.filter { !rerunning.contains($0.id) }
        status.done = kept.count
        status.resumed = kept.count
        status.failed = kept.filter { $0.state == .failed }.count
        self.status = status
        self.status.best = Self.describeBest(board.configurations(records).first, leaderboard)
    }

    /// The records that stand: those of `--rerun` trials not recorded again yet left out (for
    /// the race, such a run is still to run).
    public var settledRecords: [TrialRecord] { records.filter { !awaitingRerun.contains($0.id) } }

    /// How many `--rerun` trials have not been recorded again yet.
    public var rerunsLeft: Int { awaitingRerun.count }

    /// The first error writing results, if any: it stops `queue` (nothing more is handed out,
    /// since its results could not be kept).
    public var failure: (any Error)? { writeError }

    /// The queue to stop when results cannot be written.
    public func stopping(_ queue: TrialQueue) { self.queue = queue }

    /// A trial proposed during the run (TPE): its attempts are recorded from now on.
    public func add(_ trial: Trial) { trials[trial.id] = trial }

    /// The number of trials the status line counts to.
    public func setTotal(_ total: Int) { status.total = total }

    /// Who hears every epoch a worker reports.
    public func observeEpochs(_ observer: @escaping @Sendable (TrialTicket, String) async -> Void) { epochObserver = observer }

    /// Trial `id` is being stopped by the pruner: its attempt's end is recorded as `pruned`.
    public func markPruned(_ id: String, _ pruned: PrunedTrial) { prunedTrials[id] = pruned }

    /// Records of this sweep, best configuration's runs first (each configuration's best run first).
    public var ranked: [TrialRecord] { board.rankedRuns(records) }

    /// Writes both leaderboards and re-points `best` from the records (at start and at the
    /// end): the checkpoints of every run of the `keep` best configurations are kept, `best`
    /// links the best configuration's best run (until the final evaluation links its refit).
    public func refresh() throws {
        let configurations = board.configurations(records)
        let ranked = configurations.flatMap(\.runs)
        try store.reconcileBest(ranked: ranked, keeping: Set(configurations.prefix(max(1, keep)).flatMap(\.runs).map(\.id)))
        try store.writeLeaderboard(board.csv(records))
        try store.writeRuns(leaderboard.csv(records))
        onResults?(ranked)
    }

    /// Counts a running trial.
    public func started(_ ticket: TrialTicket, pid: Int32) {
        started(ticket, pid: pid, at: Date())
    }

    /// Counts a running trial that started at `date` (seen late, e.g. from a Slurm claim file).
    public func started(_ ticket: TrialTicket, pid: Int32, at date: Date) {
        attemptStart[ticket.id] = date
        status.running += 1
        tick()
    }

    /// Refreshes the status line (and tells the pruner).
    public func epoch(_ ticket: TrialTicket, payload: String) async {
        tick()
        await epochObserver?(ticket, payload)
    }

    /// Records a trial that ended normally (complete or diverged).
    public func finished(_ ticket: TrialTicket, payload: String, pid: Int32) async {
        await finished([FinishedAttempt(ticket: ticket, payload: payload, pid: pid, date: Date())])
    }

    /// Records a trial that ended normally at `date`.
    public func finished(_ ticket: TrialTicket, payload: String, pid: Int32, at date: Date) async {
        await finished([FinishedAttempt(ticket: ticket, payload: payload, pid: pid, date: date)])
    }

    /// Records trials that ended normally, with one append, one sync and one leaderboard rewrite.
    public func finished(_ attempts: [FinishedAttempt]) async {
        var batch: [TrialRecord] = []
        for a in attempts {
            status.running = max(0, status.running - 1)
            guard let trial = trials[a.ticket.id] else { continue }
            do {
                let outcome = try TrialOutcome(json: a.payload)
                batch.append(record(trial, ticket: a.ticket, state: outcome.state, epochs: outcome.epochs, bestEpoch: outcome.bestEpoch,
                                    objective: outcome.objective,
                                    failure: outcome.reason.map { TrialFailure(reason: $0, stderrTail: "") },
                                    pid: a.pid, end: a.date))
            } catch {
                batch.append(record(trial, ticket: a.ticket, state: .failed, epochs: [], bestEpoch: nil, objective: nil,
                                    failure: TrialFailure(reason: "unreadable result from worker: \(error)", stderrTail: ""),
                                    pid: a.pid, end: a.date))
            }
        }
        await commit(batch)
    }

    /// Logs a failed attempt; records the trial `failed` when no retry is left.
    public func failed(_ ticket: TrialTicket, reason: String, stderrTail: [String], willRetry: Bool) async {
        status.running = max(0, status.running - 1)
        if let pruned = prunedTrials.removeValue(forKey: ticket.id), let trial = trials[ticket.id] {
            await commit([record(trial, ticket: ticket, state: .pruned, epochs: pruned.epochs, bestEpoch: pruned.bestEpoch,
                                 objective: pruned.objective, failure: TrialFailure(reason: pruned.reason, stderrTail: ""), pid: nil,
                                 pruned: pruned.point)])
            return
        }
        if willRetry {
            display.log("trial \(ticket.id) attempt \(ticket.attempt) failed: \(reason); retrying")
            tick()
            return
        }
        guard let trial = trials[ticket.id] else { return }
        await commit([record(trial, ticket: ticket, state: .failed, epochs: [], bestEpoch: nil, objective: nil,
                             failure: TrialFailure(reason: reason, stderrTail: stderrTail.joined(separator: "\n")), pid: nil)])
    }

    func record(_ trial: Trial, ticket: TrialTicket, state: TrialState, epochs: [EpochMetrics], bestEpoch: Int?,
                objective: Double?, failure: TrialFailure?, pid: Int32?, end: Date = Date(),
                pruned: PruningPoint? = nil) -> TrialRecord {
        let start = min(attemptStart[ticket.id] ?? end, end)
        let train = trial.config.train
        let accepted = Set([train.loss.name] + train.metrics.map(\.name)).sorted().flatMap { pluginCheckFailures[$0] ?? [] }
        return TrialRecord(id: trial.id, parameters: trial.parameterValues, config: trial.config, seed: trial.config.seed,
                           state: state, epochs: epochs, bestEpoch: bestEpoch, objective: objective,
                           attempts: ticket.attempt, failure: failure,
                           timings: TrialTimings(start: start, end: end, seconds: end.timeIntervalSince(start)),
                           workerPID: pid, pluginCheckFailures: accepted.isEmpty ? nil : accepted,
                           configID: trial.configID, repeat: trial.repeat, fold: trial.fold, pruned: pruned)
    }

    /// Appends the records not yet recorded (one sync), then rewrites the leaderboard once.
    func commit(_ batch: [TrialRecord]) async {
        var fresh: [TrialRecord] = []
        var seen = recordedIDs
        for record in batch where seen.insert(record.id).inserted { fresh.append(record) }
        guard !fresh.isEmpty else { return }
        do {
            try store.append(fresh)
            let replaced = Set(fresh.map(\.id))  // a rerun's new record replaces its old one
            records = records.filter { !replaced.contains($0.id) } + fresh
            awaitingRerun.subtract(replaced)
            recordedIDs.formUnion(fresh.map(\.id))
            try refresh()
        } catch {
            if writeError == nil { writeError = error }
            display.log("error: cannot write results, stopping the sweep: \(error)")
            await queue?.stop()
        }
        status.done = records.count - awaitingRerun.count
        status.failed = records.filter { $0.state == .failed && !awaitingRerun.contains($0.id) }.count
        status.best = Self.describeBest(board.configurations(records).first, leaderboard)
        for (i, record) in fresh.enumerated() {
            display.log(Self.describe(record, leaderboard) + "  [\(status.done - fresh.count + i + 1)/\(status.total)]")
        }
        tick(force: true)
    }

    func tick(force: Bool = false) {
        status.elapsed = monotonicSeconds() - started
        display.update(status, force: force)
    }

    /// `dropout=0.3 lr=0.001 …`: a record's swept values in grid order.
    public static func parameters(_ r: TrialRecord, _ board: Leaderboard) -> String {
        board.parameterNames.map { "\($0)=\(r.parameters[$0]?.description ?? "?")" }.joined(separator: " ")
    }

    static func describe(_ r: TrialRecord, _ board: Leaderboard) -> String {
        let params = parameters(r, board).isEmpty ? "no swept parameters" : parameters(r, board)
        switch r.state {
        case .complete, .pruned, .diverged:
            let value = r.objective.map { String(format: "%.4f", $0) } ?? "-"
            let why = r.failure.map { ": \($0.reason)" } ?? ""
            return "trial \(r.id) \(r.state.rawValue): \(board.objective.label) \(value) at epoch \(r.bestEpoch.map(String.init) ?? "-") (\(params)) in \(String(format: "%.1f", r.timings.seconds))s" + why
        case .failed:
            return "trial \(r.id) failed after \(r.attempts) attempt(s): \(r.failure?.reason ?? "?") (\(params))"
        }
    }

    /// The best configuration: its objective's mean (± sd over its runs when it has several).
    static func describeBest(_ c: ConfigurationResult?, _ board: Leaderboard) -> String? {
        guard let c, let r = c.completeRuns.first, let mean = c.objective.mean else { return nil }
        let params = parameters(r, board)
        let value = c.objective.n > 1 ? c.objective.text : String(format: "%.4f", mean)
        return "\(board.objective.metric) \(value)" + (params.isEmpty ? "" : " (\(params))")
    }
}

