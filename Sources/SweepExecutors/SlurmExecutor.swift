import Foundation
import SweepCore
import SweepData
import SweepTensor

/// Runs a sweep on a Slurm cluster: trials on a pool of worker jobs that pull tickets from
/// `results/<name>/slurm/` (`SlurmFolder`), feature extraction as an array of shard tasks
/// (`ShardedExtraction`). The driver (this process) only submits jobs, watches the folder and
/// Slurm's queue, and hands outcomes to the sink; it may die at any time, and the next
/// `sweep run` adopts the jobs still running (see `SlurmDriver`).
public struct SlurmExecutor: SweepExecutor {
    /// The sweep file's `executor:` settings.
    public let settings: ExecutorSpec
    /// The shared queue folder.
    public let folder: SlurmFolder
    /// The `sweep` binary (on the shared file system).
    public let executable: String
    /// `sweep worker …` arguments of a worker job.
    public let workerArguments: [String]
    /// Added to every job's environment.
    public let environment: [String: String]
    /// Extra attempts for a lost trial or shard.
    public let retries: Int
    /// Seconds an attempt may run before its job is cancelled.
    public let trialTimeout: Double
    /// Log lines.
    public let log: @Sendable (String) -> Void
    /// Slurm's commands.
    public let control: any SlurmControl
    /// `sweep-<name>-<8 hex of the folder's absolute path>`: finds this sweep's jobs in squeue.
    public let jobName: String
    /// Where jobs start (`--chdir`): this process's working directory, so relative paths agree.
    public let workingDirectory: String
    let driver: SlurmDriver

    /// An executor for the sweep whose queue is `folder`.
    public init(settings: ExecutorSpec, folder: SlurmFolder, executable: String, workerArguments: [String],
                environment: [String: String], retries: Int, trialTimeout: Double,
                log: @escaping @Sendable (String) -> Void, control: any SlurmControl = SlurmCommands()) throws {
        self.settings = settings
        self.folder = folder
        self.executable = executable
        self.workerArguments = workerArguments
        self.environment = environment
        self.retries = retries
        self.trialTimeout = trialTimeout
        self.log = log
        self.control = control
        workingDirectory = FileManager.default.currentDirectoryPath
        jobName = Self.jobName(folder: folder)
        driver = SlurmDriver()
    }

    /// `sweep-<name>-<8 hex>` for the queue folder `results/<name>/slurm`.
    public static func jobName(folder: SlurmFolder) -> String {
        let absolute = URL(fileURLWithPath: folder.path).standardizedFileURL.path
        let name = URL(fileURLWithPath: absolute).deletingLastPathComponent().lastPathComponent
        return "sweep-\(name)-" + ContentHasher.sha256Hex(Data(absolute.utf8)).prefix(8)
    }

    /// `Slurm partition debug: up to 4 worker job(s) of 1 CPU(s)`.
    public var summary: String {
        "Slurm \(settings.partition.map { "partition \($0)" } ?? "(default partition)"): up to \(settings.maxConcurrent) "
            + "worker job(s) of \(settings.cpusPerTask) CPU(s), \(settings.cpusPerTask) BLAS thread(s) each"
    }

    /// Jobs keep running without a driver; the next run adopts them.
    public var afterInterrupt: String {
        "the driver stopped; Slurm jobs already running go on (`sweep run` again adopts them, `sweep cancel` stops them)"
    }

    /// Extracts the missing features as shard tasks (see `ShardedExtraction`). A new run starts
    /// here, so an earlier `sweep cancel` is forgotten here.
    public func prepareFeatures(_ request: FeatureRequest) async throws {
        try? FileManager.default.removeItem(atPath: folder.cancelledMarker)
        try await ShardedExtraction(executor: self, request: request).run()
    }

    /// Drives the queue until every ticket has an outcome (see `SlurmDriver`).
    public func run(_ queue: TrialQueue, sink: any TrialSink) async throws {
        try await driver.run(self, queue: queue, sink: sink)
    }

    /// Withdraws a waiting ticket or asks the running worker to stop (cancelling its job if it
    /// does not within `stopGrace`).
    public func stop(trial id: String, reason: String) async {
        await driver.stop(id, reason: reason, folder: folder)
    }

    /// Trials claimed by jobs Slurm still runs.
    public func inFlight() async -> Set<String> {
        guard folder.exists, let jobs = try? await control.jobs(named: jobName) else { return [] }
        let alive = Set(jobs.map(\.rawID))
        return Set(folder.claimsByAttempt().compactMap { name, claim in
            claim.flatMap { alive.contains($0.rawJobID) ? SlurmFolder.parseAttempt(name)?.id : nil }
        })
    }

    /// The `sbatch` options every job of this sweep gets (partition, time, CPUs, memory, extra).
    var jobOptions: [String] {
        var options = ["--cpus-per-task=\(settings.cpusPerTask)"]
        if let p = settings.partition { options.append("--partition=\(p)") }
        if let t = settings.time { options.append("--time=\(t)") }
        if let m = settings.mem { options.append("--mem=\(m)") }
        return options + settings.extraArgs
    }

    /// Submits `count` worker tasks as one array job; returns its id.
    func submitWorkers(_ count: Int) async throws -> String {
        let poll = min(settings.poll, 2)
        let command = [executable] + workerArguments + ["--poll", "\(poll)", "--linger", "\(max(10, 2 * settings.poll))"]
        let submission = SlurmSubmission(
            name: jobName, script: Self.script(command), arrayIndices: Array(0..<count),
            output: folder.logs + "/%A_%a.log", workingDirectory: workingDirectory, options: jobOptions,
            environment: environment)
        return try await control.submit(submission)
    }

    /// A batch script that runs `command` (each word single-quoted).
    static func script(_ command: [String]) -> String {
        "#!/bin/sh\nexec " + command.map(shellQuoted).joined(separator: " ") + "\n"
    }

    static func shellQuoted(_ word: String) -> String {
        if word.hasPrefix("$") { return "\"\(word)\"" }  // a variable Slurm sets in the job
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// The last `count` lines of a worker job's output file.
    func logTail(job: String, count: Int = 20) -> [String] { Self.tail(of: folder.logs + "/\(job).log", count: count) }

    /// The last `count` lines of a file (none when it cannot be read).
    static func tail(of path: String, count: Int) -> [String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return Array(text.split(separator: "\n", omittingEmptySubsequences: true).suffix(count).map(String.init))
    }

    /// Why nothing runs: the pending jobs' reasons and the partition's unavailable nodes.
    func waitingReason(_ pending: [SlurmJob]) async -> String {
        let reasons = Array(Set(pending.map(\.reason))).sorted().joined(separator: "; ")
        let nodes = await control.nodes(partition: settings.partition)
        let unavailable = nodes.filter { n in ["drain", "down", "fail", "maint", "reserved"].contains { n.state.contains($0) } }
        var text = "\(pending.count) job(s) pending in Slurm (reason: \(reasons.isEmpty ? "unknown" : reasons))"
        if !unavailable.isEmpty {
            text += "; unavailable node(s): " + unavailable.map { "\($0.name) \($0.state)" + ($0.reason.isEmpty ? "" : " (\($0.reason))") }
                .joined(separator: ", ")
        }
        return text
    }
}
