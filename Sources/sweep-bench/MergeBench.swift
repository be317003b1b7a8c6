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
    /// - Returns: seconds from the driver's start to the last record, and the workers' writing rate.
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
        let write: @Sendable (Int) throws -> Void = { i in
            let claim = SlurmFolder.Claim(job: "1_\(i % workers + 1)", rawJobID: "\(i % workers + 1)", host: "n", pid: 1, claimed: Date())
            _ = try folder.claim(ids[i], attempt: 1, as: claim)
            let payload = try TrialOutcome(state: .complete, epochs: epochs, bestEpoch: 0, objective: Double(i % 997) / 997,
                                           checkpointWritten: false).json()
            try folder.writeProgress(ids[i], attempt: 1, epochs: [try WorkerCodec.encode(epochs[0])])
            try folder.writeOutcome(.init(id: ids[i], attempt: 1, claim: claim, ended: Date(), result: .finished(payload: payload)))
        }
        var writtenRate = 0.0
        if !live {
            let t0 = now()
            for i in ids.indices { try write(i) }
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
            for i in ids.indices { try? write(i) }
            return Double(ids.count) / (now() - w0)
        } : nil
        try await executor.run(TrialQueue(tickets, retries: 0), sink: recorder)
        let seconds = now() - t0
        if let writer { writtenRate = await writer.value }
        let records = try store.loadRecords()
        guard records.count == count, Set(records.map(\.id)).count == count else {
            throw MergeBenchError(description: "merged \(records.count) records, expected \(count)")
        }
        return (seconds, writtenRate)
    }
}

struct MergeBenchError: Error, CustomStringConvertible { var description: String }
