import Foundation

/// The worker pool of a Slurm sweep: how many worker jobs the waiting trials need, workers that
/// cannot start, and why jobs wait.
extension SlurmDriver {
    /// Keeps enough worker jobs for the waiting tickets, and says why they wait.
    func manageWorkers(_ executor: SlurmExecutor, jobs: [SlurmJob]) async throws {
        let claimNames = executor.folder.claimNames()
        let waiting = tracked.values.filter {
            $0.stopReason == nil && !claimNames.contains(SlurmFolder.attemptName($0.ticket.id, $0.ticket.attempt))
        }.count
        let running = tracked.count - waiting
        let wanted = min(executor.settings.maxConcurrent, waiting + running)
        try checkStarts(executor, jobs: jobs)
        if waiting > 0 && jobs.count < wanted {
            let id = try await executor.submitWorkers(wanted - jobs.count)
            submitted[id] = wanted - jobs.count
            executor.log("slurm: submitted job \(id): \(wanted - jobs.count) worker task(s) for \(waiting) waiting trial(s)")
        } else if waiting == 0 {
            let surplus = jobs.filter(\.isPending).map(\.id)
            if !surplus.isEmpty { try? await executor.control.cancel(surplus) }
        }
        // Say why nothing runs, once it has not for a while (a job just submitted waits a moment).
        let pending = jobs.filter(\.isPending)
        guard waiting > 0, !pending.isEmpty, !jobs.contains(where: { $0.state == "RUNNING" }) else {
            waitingSince = nil
            lastWait = ""
            return
        }
        let since = waitingSince ?? Date()
        waitingSince = since
        guard Date().timeIntervalSince(since) >= max(5, 2 * executor.settings.poll) else { return }
        let why = await executor.waitingReason(pending)
        if why != lastWait || Date().timeIntervalSince(lastWaitLog) > 60 {
            executor.log("slurm: waiting: \(why)")
            lastWait = why
            lastWaitLog = Date()
        }
    }

    /// Fails the run when worker jobs keep ending before serving (a binary the nodes cannot run,
    /// an unreadable context): three arrays in a row whose every task log lacks a worker line.
    func checkStarts(_ executor: SlurmExecutor, jobs: [SlurmJob]) throws {
        let live = Set(jobs.compactMap { $0.id.split(separator: "_").first.map(String.init) })
        for (id, count) in submitted where !live.contains(id) {
            submitted[id] = nil
            // Tasks that never started (cancelled while pending) have no output and prove nothing.
            let logs = (0..<count).map { executor.logTail(job: "\(id)_\($0)", count: 200) }.filter { !$0.isEmpty }
            if logs.isEmpty { continue }
            if logs.contains(where: { $0.contains { $0.hasPrefix("worker ") } }) {
                deadStarts = 0
            } else {
                deadStarts += 1
                deadStartTail = logs[0]
            }
        }
        if deadStarts >= 3 {
            throw SlurmError(command: "sweep worker", message: "Slurm worker jobs end without taking a trial (3 jobs in a row); "
                             + "last output:\n" + deadStartTail.suffix(10).map { "  | \($0)" }.joined(separator: "\n"))
        }
    }
}
