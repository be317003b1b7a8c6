import Foundation
import SweepData

/// What `sweep status` shows of a Slurm sweep and what `sweep cancel` stops: read from the
/// queue folder and Slurm, changing nothing (status) or cancelling its jobs (cancel).
public struct SlurmSweepState: Sendable {
    /// Tickets nobody has claimed.
    public var waiting: [SlurmFolder.QueuedTicket]
    /// Claimed attempts without an outcome, with their claim (nil while being written) and epochs so far.
    public var running: [(id: String, attempt: Int, claim: SlurmFolder.Claim?, epochs: Int)]
    /// Outcomes the driver has not collected yet.
    public var uncollected: Int
    /// This sweep's jobs in Slurm (nil when squeue did not answer).
    public var jobs: [SlurmJob]?
    /// The extraction in progress, if any.
    public var extraction: ExtractionMarker?
    /// The driver's lease, if any.
    public var driver: DriverLease.Holder?
    /// `sweep cancel` was run and no driver has started since.
    public var cancelled: Bool

    /// Reads the state of the queue at `folder`.
    public static func read(_ folder: SlurmFolder, control: any SlurmControl) async -> SlurmSweepState {
        let claims = folder.claimsByAttempt()
        let outcomes = Set(folder.outcomeNames())
        let waiting = folder.tickets().filter { claims[SlurmFolder.attemptName($0.id, $0.attempt)] == nil }
        let running = claims.keys.sorted().compactMap { name -> (String, Int, SlurmFolder.Claim?, Int)? in
            guard !outcomes.contains(name), let (id, attempt) = SlurmFolder.parseAttempt(name) else { return nil }
            return (id, attempt, claims[name] ?? nil, folder.progress(id, attempt: attempt).count)
        }
        var jobs = try? await control.jobs(named: SlurmExecutor.jobName(folder: folder))
        let extraction = ExtractionMarker.read(folder)
        if let extraction, let shardJobs = try? await control.jobs(named: extraction.jobName) {
            jobs = (jobs ?? []) + shardJobs
        }
        return SlurmSweepState(waiting: waiting, running: running, uncollected: outcomes.count, jobs: jobs,
                               extraction: extraction, driver: DriverLease.holder(at: folder.path + "/driver.json"),
                               cancelled: folder.isCancelled)
    }

    /// Lines for `sweep status`.
    public var lines: [String] {
        var out: [String] = []
        if cancelled { out.append("cancelled with `sweep cancel`; `sweep run` resumes it") }
        if let d = driver {
            out.append("driver: pid \(d.pid) on \(d.host), last seen \(Int(Date().timeIntervalSince(d.heartbeat))) s ago")
        } else {
            out.append("driver: none (`sweep run` again collects what the jobs finish)")
        }
        if let e = extraction {
            out.append("features: extraction of \(e.images) images in \(e.shards) shard(s) (\(e.folder))")
        }
        out.append("queue: \(waiting.count) waiting, \(running.count) running, \(uncollected) finished but not yet collected")
        for r in running {
            let job = r.claim.map { "job \($0.job) on \($0.host), \(Int(Date().timeIntervalSince($0.claimed))) s" } ?? "being claimed"
            out.append("  trial \(r.id) attempt \(r.attempt): \(job), \(r.epochs) epoch(s) done")
        }
        if let jobs {
            let pending = jobs.filter(\.isPending)
            out.append("slurm: \(jobs.count) job(s) of this sweep: \(jobs.count - pending.count) running, \(pending.count) pending"
                       + (pending.isEmpty ? "" : " (" + Array(Set(pending.map(\.reason))).sorted().joined(separator: "; ") + ")"))
            for j in jobs where !j.isPending { out.append("  \(j.id) \(j.state) on \(j.nodes)") }
        } else {
            out.append("slurm: squeue did not answer")
        }
        return out
    }

    /// `sweep cancel`: marks the sweep cancelled (workers and the driver stop), cancels its
    /// jobs, waits (at most `wait` seconds) until Slurm has ended them, then gives back the
    /// claims of attempts they did not finish, so the next `sweep run` runs them again without
    /// counting a retry. Returns what it did, one sentence per line.
    public static func cancel(_ folder: SlurmFolder, control: any SlurmControl, wait: Double = 60) async throws -> [String] {
        try folder.create()
        try DurableFiles.writeAtomically(Data("cancelled by sweep cancel at \(Date())\n".utf8), to: folder.cancelledMarker)
        var names = [SlurmExecutor.jobName(folder: folder)]
        if let e = ExtractionMarker.read(folder) { names.append(e.jobName) }
        var jobs: [SlurmJob] = []
        for name in names { jobs += try await control.jobs(named: name) }
        try await control.cancel(jobs.map(\.id))
        let deadline = Date().addingTimeInterval(wait)
        var left = jobs
        while !left.isEmpty, Date() < deadline {
            try await Task.sleep(for: .milliseconds(500))
            left = []
            for name in names { left += (try? await control.jobs(named: name)) ?? [] }
        }
        let outcomes = Set(folder.outcomeNames())
        var released = 0
        for name in folder.claimNames() where !outcomes.contains(name) {
            if let (id, attempt) = SlurmFolder.parseAttempt(name), left.isEmpty {
                folder.release(id, attempt: attempt)
                unlink(folder.progressDir + "/" + SlurmFolder.attemptName(id, attempt))
                released += 1
            }
        }
        var out = ["cancelled \(jobs.count) Slurm job(s)" + (left.isEmpty ? "" : "; \(left.count) still ending")]
        if released > 0 { out.append("\(released) unfinished trial attempt(s) will run again with `sweep run` (not counted as retries)") }
        return out
    }
}

/// `slurm/extraction.json`: a feature extraction in progress (for `sweep status` and `sweep cancel`).
public struct ExtractionMarker: Codable, Sendable {
    /// The shard folder.
    public var folder: String
    /// The shard tasks' job name.
    public var jobName: String
    /// Images and shards.
    public var images: Int, shards: Int

    static func path(_ folder: SlurmFolder) -> String { folder.path + "/extraction.json" }

    static func read(_ folder: SlurmFolder) -> ExtractionMarker? {
        FileManager.default.contents(atPath: path(folder)).flatMap { try? WorkerCodec.decoder().decode(ExtractionMarker.self, from: $0) }
    }

    func write(_ folder: SlurmFolder) throws {
        try FileManager.default.createDirectory(atPath: folder.path, withIntermediateDirectories: true)
        try DurableFiles.writeAtomically(try WorkerCodec.encoder().encode(self), to: Self.path(folder))
    }
}
