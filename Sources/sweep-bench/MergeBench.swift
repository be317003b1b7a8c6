import Foundation
import SweepCore
import SweepExecutors
import SweepPlugins
import SweepRunner

/// How fast the Slurm driver turns attempt files into records: a simulated sweep of `count`
/// trivial trials whose outcome files (with claims and progress, as workers write them) appear in
/// the queue folder, merged by the real driver (`SlurmExecutor` with a stand-in for Slurm's
/// commands, since no job runs) into `trials.jsonl` and the leaderboard.
struct MergeBench {
    let scratch: String
    let count: Int

    /// Slurm's answers for a cluster where `workers` worker tasks run and nothing else happens.
    struct QuietSlurm: SlurmControl {
        let workers: Int
        func submit(_ submission: SlurmSubmission) async throws -> String { "0" }
        func jobs(named name: String) async throws -> [SlurmJob] {
            (1...workers).map { SlurmJob(id: "1_\($0)", rawID: "\($0)", state: "RUNNING", reason: "None", nodes: "n\($0)") }
        }
        func ending(of rawID: String) async -> SlurmEnding? { nil }
        func cancel(_ ids: [String]) async throws {}
        func nodes(partition: String?) async -> [SlurmNode] { [] }
    }

    /// - Parameter live: outcomes are written while the driver runs (else all exist before it starts,
    ///   as after a driver that was down while the jobs ran).
    /// - Returns: seconds from the driver's start to the last record committed (the clean-up of
    ///   the attempt files, which runs beside the polls, is not counted), and the workers' writing rate.
    func run(live: Bool) async throws -> (seconds: Double, written: Double) {
        let root = scratch + "/merge-\(live ? "live" : "backlog")"
        try? FileManager.default.removeItem(atPath: root)
        let lrs = (1...100).map { "\(Double($0) * 1e-5)" }.joined(separator: ", ")
        let dropouts = (0..<(count / 100)).map { "\(Double($0) * 0.005)" }.joined(separator: ", ")
        let plan = try SweepFile.parse("name: merge\ngrid: {lr: [\(lrs)], dropout: [\(dropouts)]}\n", displayPath: "merge.yaml",
                                       catalog: try AllPlugins.catalog(), fileExists: { _ in true }, defaultWorkers: 1)
        let store = ResultsStore(directory: root + "/merge")
        let lock = try store.openForRun()
        defer { lock.unlock() }
        let folder = SlurmFolder(store.directory + "/slurm")
        try folder.create()
        let workers = 64
        var settings = ExecutorSpec()
        settings.kind = .slurm
        settings.poll = 0.05
        settings.maxConcurrent = workers
        let executor = try SlurmExecutor(settings: settings, folder: folder, executable: "/bin/false", workerArguments: [],
                                         environment: [:], retries: 0, trialTimeout: 1e9, log: { _ in },
                                         control: QuietSlurm(workers: workers))
        let recorder = SweepRecorder(store: store, plan: plan, existing: [], display: StatusDisplay(isTerminal: false))
        let tickets = try plan.trials.map { TrialTicket(id: $0.id, attempt: 1, payload: try TrialAssignment($0).json()) }
        let epochs = [EpochMetrics(epoch: 0, lr: 1e-3, train: ["loss": 0.5, "f1_samples": 0.5], val: ["loss": 0.6, "f1_samples": 0.4], seconds: 0.1)]
        let ids = plan.trials.map(\.id)
        // The files a worker writes, in its order (claim, progress, outcome), but without the fsyncs:
        // on a cluster those are paid on the nodes, and here they would make the writer the bottleneck.
        let put: @Sendable (Data, String) throws -> Void = { data, path in
            let fd = open(path + ".tmp-bench", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard fd >= 0 else { throw MergeBenchError(description: "open \(path)") }
            _ = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            close(fd)
            guard rename(path + ".tmp-bench", path) == 0 else { throw MergeBenchError(description: "rename \(path)") }
        }
        let writeAttempt: @Sendable (Int) throws -> Void = { i in
            let claim = SlurmFolder.Claim(job: "1_\(i % workers + 1)", rawJobID: "\(i % workers + 1)", host: "n", pid: 1, claimed: Date())
            let name = "\(ids[i]).1.json"
            try put(try WorkerCodec.encoder().encode(claim), folder.path + "/claims/" + name)
            let payload = try TrialOutcome(state: .complete, epochs: epochs, bestEpoch: 0, objective: Double(i % 997) / 997,
                                           checkpointWritten: false).json()
            try put(try WorkerCodec.encoder().encode([try WorkerCodec.encode(epochs[0])]), folder.path + "/progress/" + name)
            let outcome = SlurmFolder.Outcome(id: ids[i], attempt: 1, claim: claim, ended: Date(), result: .finished(payload: payload))
            try put(try WorkerCodec.encoder().encode(outcome), folder.path + "/outcomes/" + name)
        }
        var writtenRate = 0.0
        if !live {
            let t0 = now()
            for i in ids.indices { try writeAttempt(i) }
            writtenRate = Double(ids.count) / (now() - t0)
        }
        // Each record is logged to stderr: silenced here, its cost included.
        let saved = dup(STDERR_FILENO)
        let null = open("/dev/null", O_WRONLY)
        dup2(null, STDERR_FILENO)
        defer { dup2(saved, STDERR_FILENO); close(null); close(saved) }
        let t0 = now()
        let writer = live ? Task.detached { () -> Double in
            let w0 = now()
            for i in ids.indices { try? writeAttempt(i) }
            return Double(ids.count) / (now() - w0)
        } : nil
        let timed = TimedSink(recorder)
        try await executor.run(TrialQueue(tickets, retries: 0), sink: timed)
        let seconds = await timed.lastCommit - t0
        if let writer { writtenRate = await writer.value }
        let records = try store.loadRecords()
        guard records.count == count, Set(records.map(\.id)).count == count else {
            throw MergeBenchError(description: "merged \(records.count) records, expected \(count)")
        }
        return (seconds, writtenRate)
    }
}

struct MergeBenchError: Error, CustomStringConvertible { var description: String }

/// Forwards to the recorder and notes when the last record was committed.
actor TimedSink: TrialSink {
    let sink: SweepRecorder
    private(set) var lastCommit = 0.0
    init(_ sink: SweepRecorder) { self.sink = sink }
    func started(_ ticket: TrialTicket, pid: Int32) async { await sink.started(ticket, pid: pid) }
    func started(_ ticket: TrialTicket, pid: Int32, at date: Date) async { await sink.started(ticket, pid: pid, at: date) }
    func epoch(_ ticket: TrialTicket, payload: String) async { await sink.epoch(ticket, payload: payload) }
    func finished(_ ticket: TrialTicket, payload: String, pid: Int32) async {
        await finished([FinishedAttempt(ticket: ticket, payload: payload, pid: pid, date: Date())])
    }
    func finished(_ attempts: [FinishedAttempt]) async {
        await sink.finished(attempts)
        lastCommit = now()
    }
    func failed(_ ticket: TrialTicket, reason: String, stderrTail: [String], willRetry: Bool) async {
        await sink.failed(ticket, reason: reason, stderrTail: stderrTail, willRetry: willRetry)
    }
}
