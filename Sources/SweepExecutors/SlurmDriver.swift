import Foundation

/// The Slurm executor's bookkeeping, one poll at a time. What it knows lives in files and in
/// Slurm, not in this process, so a driver started after another one died picks up where it
/// left off: tickets on disk are kept (with their attempt numbers), claims of running jobs are
/// adopted, outcomes written meanwhile are collected.
///
/// Each poll: (1) queue new tickets; (2) ask squeue which of this sweep's jobs live; (3) collect
/// outcomes, listed after that answer, so a job missing from it that wrote an outcome is never
/// taken for lost; (4) for each claimed attempt: report its start and epochs, cancel it when it
/// exceeds the time limit or ignores a stop request, and, when its job has been gone for
/// `lostGrace` seconds without an outcome, retry it (or record it failed) with Slurm's account
/// of how the job ended; (5) submit worker jobs up to `max_concurrent`, cancel pending ones no
/// longer needed, and say why jobs wait when none runs.
actor SlurmDriver {
    /// A trial this driver is responsible for.
    struct Tracked {
        var ticket: TrialTicket
        var seq: Int
        /// The attempt whose start the sink has heard of.
        var startReported: Int?
        var epochsSent = 0
        /// The current attempt's claim once read (a claim never changes).
        var claim: SlurmFolder.Claim?
        var lostSince: Date?
        var timedOut = false
        var stopReason: String?
        var stopAt: Date?
        var stopCancelled = false
    }

    var tracked: [String: Tracked] = [:]
    private var nextSeq = 0
    private var sink: (any TrialSink)?
    var lastWait = ""
    var lastWaitLog = Date.distantPast
    var waitingSince: Date?
    private var slurmSilentSince: Date?
    /// Worker arrays this driver submitted and their task counts, until they end.
    var submitted: [String: Int] = [:]
    /// Worker arrays in a row that ended without any task starting to serve.
    var deadStarts = 0
    var deadStartTail: [String] = []
    /// Deletes the attempt files of finished trials off the poll's path (on NFS each unlink is a
    /// round trip to the server); their tickets are removed at once.
    private var cleanup: Task<Void, Never>?

    /// Seconds a job must be absent from squeue, with no outcome, before its attempt is lost
    /// (NFS may show a worker's last rename late).
    static let lostGrace = 3.0
    /// Seconds a running worker may take to honour a stop request before its job is cancelled.
    static let stopGrace = 15.0

    func run(_ executor: SlurmExecutor, queue: TrialQueue, sink: any TrialSink) async throws {
        self.sink = sink
        defer { self.sink = nil }
        let folder = executor.folder
        try folder.create()
        let lease = DriverLease(path: folder.path + "/driver.json", staleAfter: max(60, 3 * executor.settings.poll))
        try lease.acquire()
        defer { lease.release() }
        try await adopt(executor, queue: queue)
        defer { cleanup?.cancel() }
        while true {
            try Task.checkCancellation()
            if try await step(executor, queue: queue, sink: sink) { break }
            try? lease.renew()
            try await Task.sleep(for: .milliseconds(Int64(executor.settings.poll * 1000)))
        }
        await cleanup?.value
        // Every trial has ended: the workers left are idle (or not started); stop them.
        if let jobs = try? await executor.control.jobs(named: executor.jobName), !jobs.isEmpty {
            try? await executor.control.cancel(jobs.map(\.id))
        }
    }

    /// Takes over what a previous driver left: tickets keep their attempt and order, tickets of
    /// trials no longer planned (or already recorded) are withdrawn.
    func adopt(_ executor: SlurmExecutor, queue: TrialQueue) async throws {
        let folder = executor.folder
        var onDisk: [String: SlurmFolder.QueuedTicket] = [:]
        for entry in folder.tickets() {
            if let other = onDisk[entry.id] {
                // A crash between writing a retry and removing the old ticket: keep the later attempt.
                folder.dequeue(other.attempt < entry.attempt ? other : entry)
                if other.attempt > entry.attempt { continue }
            }
            onDisk[entry.id] = entry
        }
        nextSeq = (onDisk.values.map(\.seq).max() ?? -1) + 1
        var adopted = 0, planned = Set<String>()
        while let ticket = await queue.next() {
            planned.insert(ticket.id)
            if let entry = onDisk[ticket.id] {
                var t = ticket
                t.attempt = entry.attempt
                tracked[ticket.id] = Tracked(ticket: t, seq: entry.seq)
                adopted += 1
            } else {
                try track(ticket, folder: folder)
            }
        }
        let stale = onDisk.values.filter { !planned.contains($0.id) }
        for entry in stale { folder.dequeue(entry) }
        // Files of trials recorded (or dropped from the plan) since an earlier driver died.
        let leftovers = Set((folder.claimNames().map { $0 } + folder.outcomeNames()).compactMap { SlurmFolder.parseAttempt($0)?.id })
            .subtracting(planned)
        forget(leftovers, folder: folder)
        let claims = folder.claimsByAttempt()
        let running = tracked.values.filter { claims[SlurmFolder.attemptName($0.ticket.id, $0.ticket.attempt)] != nil }.count
        if adopted > 0 {
            executor.log("slurm: adopted \(adopted) queued trial(s) from an earlier driver, \(running) of them claimed by a job")
        }
    }

    /// Queues a new ticket (a first attempt, or a retry keeping its trial's place).
    func track(_ ticket: TrialTicket, folder: SlurmFolder) throws {
        let seq = tracked[ticket.id]?.seq ?? { defer { nextSeq += 1 }; return nextSeq }()
        try folder.enqueue(ticket, seq: seq)
        tracked[ticket.id] = Tracked(ticket: ticket, seq: seq)
    }

    /// One poll; true when every ticket has ended.
    func step(_ executor: SlurmExecutor, queue: TrialQueue, sink: any TrialSink) async throws -> Bool {
        let folder = executor.folder
        if folder.isCancelled { throw SlurmError(command: "sweep cancel", message: "the sweep was cancelled; its jobs were stopped") }
        while let ticket = await queue.next() {
            if let old = tracked[ticket.id] {
                folder.dequeue(SlurmFolder.QueuedTicket(seq: old.seq, id: old.ticket.id, attempt: old.ticket.attempt))
            }
            try track(ticket, folder: folder)
        }
        let jobs: [SlurmJob]
        do {
            jobs = try await executor.control.jobs(named: executor.jobName)
            slurmSilentSince = nil
        } catch {
            // Without squeue's answer nothing can be called lost; wait for it.
            if slurmSilentSince == nil {
                slurmSilentSince = Date()
                executor.log("slurm: squeue does not answer (\(error)); waiting")
            }
            return false
        }
        let alive = Set(jobs.map(\.rawID))
        // Stop requests written by others (`sweep cancel --trial`) count as this driver's own.
        for (id, reason) in folder.stopRequests() where tracked[id] != nil && tracked[id]?.stopReason == nil {
            stop(id, reason: reason, folder: folder)
        }
        try await collectOutcomes(executor, sink: sink)
        try await watchClaims(executor, alive: alive, queue: queue, sink: sink)
        if tracked.isEmpty, await queue.remaining == 0 { return true }
        try await manageWorkers(executor, jobs: jobs)
        return false
    }

    /// Hands finished attempts to the sink (in one batch) and forgets their trials.
    func collectOutcomes(_ executor: SlurmExecutor, sink: any TrialSink) async throws {
        let folder = executor.folder
        var batch: [FinishedAttempt] = []
        var ended = Set<String>()
        for name in folder.outcomeNames() {
            guard let (id, attempt) = SlurmFolder.parseAttempt(name), let t = tracked[id], !ended.contains(id),
                  let outcome = folder.outcome(id, attempt: attempt) else { continue }
            var ticket = t.ticket
            ticket.attempt = attempt
            if t.startReported != attempt {
                await sink.started(ticket, pid: outcome.claim.pid, at: outcome.claim.claimed)
            }
            let epochs = folder.progress(id, attempt: attempt)
            for epoch in epochs.dropFirst(t.startReported == attempt ? t.epochsSent : 0) { await sink.epoch(ticket, payload: epoch) }
            switch outcome.result {
            case .finished(let payload):
                batch.append(FinishedAttempt(ticket: ticket, payload: payload, pid: outcome.claim.pid, date: outcome.ended))
            case .rejected(let reason):
                await sink.failed(ticket, reason: reason, stderrTail: executor.logTail(job: outcome.claim.job), willRetry: false)
            case .stopped(let reason, _):
                await sink.failed(ticket, reason: "stopped: \(reason)", stderrTail: [], willRetry: false)
            }
            ended.insert(id)
        }
        if !batch.isEmpty { await sink.finished(batch) }
        forget(ended, folder: folder)
    }

    /// Drops finished trials: their tickets now, their other files in the background.
    func forget(_ ended: Set<String>, folder: SlurmFolder) {
        guard !ended.isEmpty else { return }
        for id in ended {
            if let t = tracked.removeValue(forKey: id) {
                folder.dequeue(SlurmFolder.QueuedTicket(seq: t.seq, id: id, attempt: t.ticket.attempt))
            }
        }
        let previous = cleanup
        cleanup = Task.detached {
            await previous?.value
            folder.removeAttemptFiles(ended)
        }
    }

    /// Starts, epochs, time limits, stop requests and lost attempts of claimed tickets.
    func watchClaims(_ executor: SlurmExecutor, alive: Set<String>, queue: TrialQueue, sink: any TrialSink) async throws {
        let folder = executor.folder
        let claimNames = folder.claimNames()
        let now = Date()
        var ended = Set<String>()
        for (id, var t) in tracked {
            let attempt = t.ticket.attempt
            guard claimNames.contains(SlurmFolder.attemptName(id, attempt)) else {
                if let reason = t.stopReason, !folder.isQueued(SlurmFolder.QueuedTicket(seq: t.seq, id: id, attempt: attempt)) {
                    await sink.failed(t.ticket, reason: "stopped: \(reason)", stderrTail: [], willRetry: false)
                    ended.insert(id)
                }
                continue
            }
            if t.claim == nil {
                t.claim = folder.readClaim(id, attempt: attempt)
                tracked[id] = t
            }
            guard let claim = t.claim else { continue }  // being written
            if t.startReported != attempt {
                await sink.started(t.ticket, pid: claim.pid, at: claim.claimed)
                t.startReported = attempt
                t.epochsSent = 0
            }
            let epochs = folder.progress(id, attempt: attempt)
            for epoch in epochs.dropFirst(t.epochsSent) { await sink.epoch(t.ticket, payload: epoch) }
            t.epochsSent = max(t.epochsSent, epochs.count)
            if alive.contains(claim.rawJobID) {
                t.lostSince = nil
                let overdue = now.timeIntervalSince(claim.claimed) > executor.trialTimeout
                let ignoresStop = t.stopAt.map { now.timeIntervalSince($0) > Self.stopGrace } ?? false
                if (overdue && !t.timedOut) || (ignoresStop && !t.stopCancelled) {
                    if overdue { t.timedOut = true } else { t.stopCancelled = true }
                    executor.log("slurm: cancelling job \(claim.job) (trial \(id) \(overdue ? "exceeded trial_timeout" : "did not stop"))")
                    try? await executor.control.cancel([claim.job])
                }
                tracked[id] = t
                continue
            }
            guard let since = t.lostSince else {
                t.lostSince = now
                tracked[id] = t
                continue
            }
            if now.timeIntervalSince(since) < Self.lostGrace || folder.outcome(id, attempt: attempt) != nil {
                tracked[id] = t
                continue
            }
            let tail = executor.logTail(job: claim.job)
            if let reason = t.stopReason {
                await sink.failed(t.ticket, reason: "stopped: \(reason)", stderrTail: tail, willRetry: false)
                ended.insert(id)
                continue
            }
            let ending = await executor.control.ending(of: claim.rawJobID)
            let how = ending.map { "ended \($0)" } ?? "vanished (Slurm no longer knows how it ended)"
            let reason = t.timedOut
                ? "timed out after \(executor.trialTimeout) s (attempt \(attempt)); Slurm job \(claim.job) cancelled"
                : "Slurm job \(claim.job) on \(claim.host) \(how) during attempt \(attempt)"
            folder.dequeue(SlurmFolder.QueuedTicket(seq: t.seq, id: id, attempt: attempt))
            let retry = await queue.retry(after: t.ticket)
            await sink.failed(t.ticket, reason: reason, stderrTail: tail, willRetry: retry != nil)
            if let retry {
                _ = await queue.withdraw(retry.id)
                try track(retry, folder: folder)
            } else {
                ended.insert(id)
            }
        }
        forget(ended, folder: folder)
    }

    /// A stop request (see `SlurmExecutor.stop`).
    func stop(_ id: String, reason: String, folder: SlurmFolder) {
        guard var t = tracked[id], t.stopReason == nil else { return }
        if folder.stopRequest(id) == nil { try? folder.requestStop(id, reason: reason) }
        folder.dequeue(SlurmFolder.QueuedTicket(seq: t.seq, id: id, attempt: t.ticket.attempt))
        t.stopReason = reason
        t.stopAt = Date()
        tracked[id] = t
    }
}
