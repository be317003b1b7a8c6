import Foundation

/// The worker side of the Slurm executor: one `sweep worker --queue DIR` per Slurm task, pulling
/// trials from the shared folder (`SlurmFolder`) until there are none for `linger` seconds.
///
/// For each ticket in plan order it tries to create the attempt's claim exclusively; the one
/// worker that succeeds runs the trial, rewrites `progress/` after every epoch and renames its
/// `outcomes/` file into place. A stop request (`stop/<id>.json`) seen after an epoch ends the
/// attempt there: the worker records `stopped` and exits (its job ends; the driver starts
/// another if work remains). `CANCELLED` makes it exit before taking another trial.
public struct QueueWorker: Sendable {
    /// The shared folder.
    public var folder: SlurmFolder
    /// Runs one trial (the same handler a pipe worker uses).
    public var handler: WorkerService.TrialHandler
    /// Who this worker is (job ids from the Slurm environment, host, pid).
    public var identity: Identity
    /// Seconds between two looks at an empty queue.
    public var poll: Double
    /// Seconds an idle worker waits for new tickets before it exits.
    public var linger: Double
    /// Receives a line per event (the job's output file).
    public var log: @Sendable (String) -> Void

    /// A worker's Slurm job and process.
    public struct Identity: Sendable {
        /// `123_4` (array task) or `123`.
        public var job: String
        /// `SLURM_JOB_ID`.
        public var rawJobID: String
        /// This node.
        public var host: String
        /// This process.
        public var pid: Int32

        /// From `SLURM_ARRAY_JOB_ID`, `SLURM_ARRAY_TASK_ID`, `SLURM_JOB_ID` (or `local` outside Slurm).
        public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) -> Identity {
            let raw = env["SLURM_JOB_ID"] ?? "local"
            let job = env["SLURM_ARRAY_JOB_ID"].flatMap { a in env["SLURM_ARRAY_TASK_ID"].map { "\(a)_\($0)" } } ?? raw
            return Identity(job: job, rawJobID: raw, host: ProcessInfo.processInfo.hostName, pid: getpid())
        }
    }

    /// A worker on `folder`.
    public init(folder: SlurmFolder, identity: Identity, poll: Double = 1, linger: Double = 10,
                log: @escaping @Sendable (String) -> Void, handler: @escaping WorkerService.TrialHandler) {
        self.folder = folder
        self.identity = identity
        self.poll = poll
        self.linger = linger
        self.log = log
        self.handler = handler
    }

    /// Runs trials until the queue stays empty for `linger` seconds or the sweep is cancelled.
    public func serve() async {
        var idleSince = Date()
        while !folder.isCancelled {
            if let (ticket, claim) = takeNext() {
                await run(ticket, claim: claim)
                idleSince = Date()
                continue
            }
            if Date().timeIntervalSince(idleSince) >= linger { break }
            try? await Task.sleep(for: .milliseconds(Int64(poll * 1000)))
        }
        log("worker \(identity.job): no trials left, exiting")
    }

    /// Claims the first ticket nobody holds, finished or asked to stop.
    func takeNext() -> (TrialTicket, SlurmFolder.Claim)? {
        let claimed = folder.claimNames()
        let ended = Set(folder.outcomeNames().compactMap { SlurmFolder.parseAttempt($0)?.id })
        for entry in folder.tickets() {
            guard !claimed.contains(SlurmFolder.attemptName(entry.id, entry.attempt)), !ended.contains(entry.id),
                  folder.stopRequest(entry.id) == nil else { continue }
            let mine = claim()
            do {
                guard try folder.claim(entry.id, attempt: entry.attempt, as: mine) else { continue }
            } catch {
                log("worker \(identity.job): cannot claim \(entry.id): \(error)")
                continue
            }
            // Withdrawn (finished elsewhere, stopped, out of the plan) between listing and claiming.
            guard folder.isQueued(entry), folder.stopRequest(entry.id) == nil, let ticket = folder.readTicket(entry) else {
                folder.release(entry.id, attempt: entry.attempt)
                continue
            }
            return (ticket, mine)
        }
        return nil
    }

    func claim() -> SlurmFolder.Claim {
        SlurmFolder.Claim(job: identity.job, rawJobID: identity.rawJobID, host: identity.host, pid: identity.pid, claimed: Date())
    }

    /// Runs one claimed attempt and writes its outcome.
    func run(_ ticket: TrialTicket, claim me: SlurmFolder.Claim) async {
        log("worker \(identity.job): trial \(ticket.id) attempt \(ticket.attempt) started")
        let epochs = EpochLog()
        let folder = self.folder, log = self.log
        let result: SlurmFolder.Outcome.Result
        do {
            let payload = try await handler(ticket) { epoch in
                let all = epochs.append(epoch)
                try? folder.writeProgress(ticket.id, attempt: ticket.attempt, epochs: all)
                if let reason = folder.stopRequest(ticket.id) {
                    // The trial loop cannot be interrupted from here: record the stop and end the process.
                    let outcome = SlurmFolder.Outcome(id: ticket.id, attempt: ticket.attempt, claim: me, ended: Date(),
                                                      result: .stopped(reason: reason, epochs: all.count))
                    do { try folder.writeOutcome(outcome) } catch { log("cannot write the outcome of \(ticket.id): \(error)") }
                    log("worker \(me.job): trial \(ticket.id) stopped after \(all.count) epoch(s): \(reason)")
                    exit(0)
                }
            }
            result = .finished(payload: payload)
        } catch {
            result = .rejected(reason: "\(error)")
        }
        let outcome = SlurmFolder.Outcome(id: ticket.id, attempt: ticket.attempt, claim: me, ended: Date(), result: result)
        do {
            try folder.writeOutcome(outcome)
        } catch {
            // Without its outcome the attempt is lost; ending the job tells the driver so.
            log("worker \(identity.job): cannot write the outcome of \(ticket.id): \(error); exiting")
            exit(1)
        }
        log("worker \(identity.job): trial \(ticket.id) attempt \(ticket.attempt) \(result.word)")
    }
}

extension SlurmFolder.Outcome.Result {
    /// `finished`, `rejected`, `stopped`.
    var word: String {
        switch self {
        case .finished: return "finished"
        case .rejected(let reason): return "rejected: \(reason)"
        case .stopped: return "stopped"
        }
    }
}

/// The epochs an attempt has reported so far (appended from the trial's thread).
final class EpochLog: @unchecked Sendable {
    private let lock = NSLock()
    private var epochs: [String] = []

    /// Appends one and returns them all.
    func append(_ epoch: String) -> [String] {
        lock.withLock {
            epochs.append(epoch)
            return epochs
        }
    }
}
