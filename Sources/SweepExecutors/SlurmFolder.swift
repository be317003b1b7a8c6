import Foundation
import SweepData
import SweepFeatureCache

/// The queue a Slurm sweep's worker jobs pull trials from: `results/<name>/slurm/`, on a file
/// system every node shares. Nothing here relies on `flock` or on appends (NFS breaks both):
/// a file appears whole by a rename in its own folder, and a claim is a file created with
/// `O_CREAT | O_EXCL`, which NFS (v3 and later) makes atomic at the server.
///
/// - `queue/<seq>.<id>.<attempt>.json`: a ticket to run, written by the driver (`seq` keeps
///   the plan order);
/// - `claims/<id>.<attempt>.json`: created exclusively by the worker that takes the ticket,
///   holding its Slurm job id, host and pid;
/// - `progress/<id>.<attempt>.json`: the epochs so far, rewritten by that worker;
/// - `outcomes/<id>.<attempt>.json`: how the attempt ended, renamed into place by the worker;
/// - `stop/<id>.json`: asks the worker running `id` to stop after its current epoch;
/// - `logs/<job>_<task>.log`: each job's output;
/// - `CANCELLED`: written by `sweep cancel`; workers exit and the driver stops;
/// - `driver.json`: the lease of the driver (see `DriverLease`).
public struct SlurmFolder: Sendable {
    /// The folder.
    public let path: String

    /// The queue at `path`.
    public init(_ path: String) { self.path = path }

    var queueDir: String { path + "/queue" }
    var claimsDir: String { path + "/claims" }
    var progressDir: String { path + "/progress" }
    var outcomesDir: String { path + "/outcomes" }
    var stopsDir: String { path + "/stop" }
    /// Job output files.
    public var logs: String { path + "/logs" }
    /// The marker `sweep cancel` writes.
    public var cancelledMarker: String { path + "/CANCELLED" }

    /// Creates the folders.
    public func create() throws {
        for dir in [queueDir, claimsDir, progressDir, outcomesDir, stopsDir, logs] {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        }
    }

    /// Whether the folder exists at all (a sweep that never ran on Slurm has none).
    public var exists: Bool { FileManager.default.fileExists(atPath: path) }

    // MARK: names

    /// `<id>.<attempt>.json`.
    static func attemptName(_ id: String, _ attempt: Int) -> String { "\(id).\(attempt).json" }

    /// (id, attempt) of `<id>.<attempt>.json`.
    static func parseAttempt(_ name: String) -> (id: String, attempt: Int)? {
        let parts = name.split(separator: ".")
        guard parts.count == 3, parts[2] == "json", let attempt = Int(parts[1]), !parts[0].isEmpty else { return nil }
        return (String(parts[0]), attempt)
    }

    /// The names in `dir` that are finished files (not a writer's temporary).
    static func names(in dir: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { !$0.contains(".tmp-") && !$0.hasPrefix(".") }
    }

    // MARK: tickets

    /// A ticket in `queue/`.
    public struct QueuedTicket: Sendable, Equatable {
        /// Plan order.
        public var seq: Int
        /// The trial.
        public var id: String
        /// The attempt.
        public var attempt: Int
        /// The file name.
        public var name: String { String(format: "%08d.", seq) + SlurmFolder.attemptName(id, attempt) }
    }

    /// The tickets in `queue/`, in plan order.
    public func tickets() -> [QueuedTicket] {
        Self.names(in: queueDir).compactMap { name -> QueuedTicket? in
            let parts = name.split(separator: ".")
            guard parts.count == 4, let seq = Int(parts[0]), let attempt = Int(parts[2]), parts[3] == "json" else { return nil }
            return QueuedTicket(seq: seq, id: String(parts[1]), attempt: attempt)
        }.sorted { ($0.seq, $0.id, $0.attempt) < ($1.seq, $1.id, $1.attempt) }
    }

    /// Writes `ticket` as queue entry number `seq`. Renamed into place but not synced: a ticket
    /// lost in a crash of the file server is written again by the next driver, which rebuilds
    /// the queue from the plan and the records.
    public func enqueue(_ ticket: TrialTicket, seq: Int) throws {
        let entry = QueuedTicket(seq: seq, id: ticket.id, attempt: ticket.attempt)
        try Self.writeRenamed(try WorkerCodec.encoder().encode(ticket), to: queueDir + "/" + entry.name)
    }

    /// Writes a temporary sibling (named for this host and process, so writers on other nodes
    /// never share it) and renames it to `path`: readers see all of `data` or nothing. No fsync.
    static func writeRenamed(_ data: Data, to path: String) throws {
        let tmp = path + ".tmp-\(ProcessInfo.processInfo.hostName)-\(getpid())"
        // POSIX calls, not FileManager.createFile, which writes a second temporary and syncs it.
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FeatureCacheError.io(path: tmp, operation: "open", errno: errno) }
        do {
            try data.withUnsafeBytes { try DurableFiles.writeAll(fd, $0, offset: 0, path: tmp) }
        } catch {
            close(fd)
            unlink(tmp)
            throw error
        }
        close(fd)
        guard rename(tmp, path) == 0 else {
            let code = errno
            unlink(tmp)
            throw FeatureCacheError.io(path: path, operation: "rename", errno: code)
        }
    }

    /// Reads a queue entry; nil when it is gone or unreadable.
    public func readTicket(_ entry: QueuedTicket) -> TrialTicket? {
        guard let data = FileManager.default.contents(atPath: queueDir + "/" + entry.name) else { return nil }
        return try? WorkerCodec.decoder().decode(TrialTicket.self, from: data)
    }

    /// Whether a queue entry still exists.
    func isQueued(_ entry: QueuedTicket) -> Bool { FileManager.default.fileExists(atPath: queueDir + "/" + entry.name) }

    /// Removes a queue entry.
    public func dequeue(_ entry: QueuedTicket) { unlink(queueDir + "/" + entry.name) }

    // MARK: claims

    /// Who took an attempt.
    public struct Claim: Codable, Sendable, Equatable {
        /// As squeue shows it: `123_4` for an array task, else `123`.
        public var job: String
        /// `SLURM_JOB_ID`: the task's own job id.
        public var rawJobID: String
        /// The node.
        public var host: String
        /// The worker process.
        public var pid: Int32
        /// When it was taken.
        public var claimed: Date

        /// A claim from its fields.
        public init(job: String, rawJobID: String, host: String, pid: Int32, claimed: Date) {
            self.job = job
            self.rawJobID = rawJobID
            self.host = host
            self.pid = pid
            self.claimed = claimed
        }
    }

    /// Takes attempt (`id`, `attempt`) for `claim`: true when this call created the claim file,
    /// false when someone else holds it.
    public func claim(_ id: String, attempt: Int, as claim: Claim) throws -> Bool {
        let path = claimsDir + "/" + Self.attemptName(id, attempt)
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        if fd < 0 {
            if errno == EEXIST { return false }
            throw FeatureCacheError.io(path: path, operation: "open (exclusive)", errno: errno)
        }
        defer { close(fd) }
        let data = try WorkerCodec.encoder().encode(claim)
        try data.withUnsafeBytes { try DurableFiles.writeAll(fd, $0, offset: 0, path: path) }
        try DurableFiles.syncFile(fd, path: path)
        return true
    }

    /// Gives a claim back (the ticket vanished between listing and claiming).
    func release(_ id: String, attempt: Int) { unlink(claimsDir + "/" + Self.attemptName(id, attempt)) }

    /// The claims by (id, attempt); a claim whose content is not written yet maps to nil.
    public func claimsByAttempt() -> [String: Claim?] {
        var result: [String: Claim?] = [:]
        for name in Self.names(in: claimsDir) where Self.parseAttempt(name) != nil {
            let data = FileManager.default.contents(atPath: claimsDir + "/" + name) ?? Data()
            result[name] = try? WorkerCodec.decoder().decode(Claim.self, from: data)
        }
        return result
    }

    /// One attempt's claim; nil when absent or still being written.
    public func readClaim(_ id: String, attempt: Int) -> Claim? {
        guard let data = FileManager.default.contents(atPath: claimsDir + "/" + Self.attemptName(id, attempt)) else { return nil }
        return try? WorkerCodec.decoder().decode(Claim.self, from: data)
    }

    /// The claim file names (cheap: no reads).
    func claimNames() -> Set<String> { Set(Self.names(in: claimsDir)) }

    // MARK: progress and outcomes

    /// How an attempt ended, written by its worker.
    public struct Outcome: Codable, Sendable, Equatable {
        /// How.
        public enum Result: Codable, Sendable, Equatable {
            /// The trial ran to its end; the `TrialOutcome` JSON.
            case finished(payload: String)
            /// The trial cannot run (no retry helps).
            case rejected(reason: String)
            /// Stopped on request (`stop/<id>.json`) after `epochs` epochs.
            case stopped(reason: String, epochs: Int)
        }
        /// The trial.
        public var id: String
        /// The attempt.
        public var attempt: Int
        /// The claim it ran under.
        public var claim: Claim
        /// When it ended.
        public var ended: Date
        /// How.
        public var result: Result

        /// An outcome from its fields.
        public init(id: String, attempt: Int, claim: Claim, ended: Date, result: Result) {
            self.id = id
            self.attempt = attempt
            self.claim = claim
            self.ended = ended
            self.result = result
        }
    }

    /// Writes an attempt's outcome (renamed into place).
    public func writeOutcome(_ outcome: Outcome) throws {
        try DurableFiles.writeAtomically(try WorkerCodec.encoder().encode(outcome),
                                         to: outcomesDir + "/" + Self.attemptName(outcome.id, outcome.attempt))
    }

    /// The outcome of one attempt, if written.
    public func outcome(_ id: String, attempt: Int) -> Outcome? {
        guard let data = FileManager.default.contents(atPath: outcomesDir + "/" + Self.attemptName(id, attempt)) else { return nil }
        return try? WorkerCodec.decoder().decode(Outcome.self, from: data)
    }

    /// The names of the outcome files (cheap: no reads).
    func outcomeNames() -> [String] { Self.names(in: outcomesDir) }

    /// Rewrites an attempt's epochs so far (JSON payloads, in order; not synced: the outcome
    /// carries them again).
    public func writeProgress(_ id: String, attempt: Int, epochs: [String]) throws {
        try Self.writeRenamed(try WorkerCodec.encoder().encode(epochs), to: progressDir + "/" + Self.attemptName(id, attempt))
    }

    /// An attempt's epochs so far.
    public func progress(_ id: String, attempt: Int) -> [String] {
        guard let data = FileManager.default.contents(atPath: progressDir + "/" + Self.attemptName(id, attempt)) else { return [] }
        return (try? WorkerCodec.decoder().decode([String].self, from: data)) ?? []
    }

    // MARK: stop requests and clean-up

    /// Asks the worker running `id` to stop (and any worker not to take it).
    public func requestStop(_ id: String, reason: String) throws {
        try DurableFiles.writeAtomically(Data(try WorkerCodec.encode(["reason": reason]).utf8), to: stopsDir + "/\(id).json")
    }

    /// The stop request for `id`, if any.
    public func stopRequest(_ id: String) -> String? {
        guard let data = FileManager.default.contents(atPath: stopsDir + "/\(id).json") else { return nil }
        return (try? WorkerCodec.decoder().decode([String: String].self, from: data))?["reason"] ?? "stop requested"
    }

    /// Every stop request by trial id (one folder listing; for the driver's poll).
    public func stopRequests() -> [String: String] {
        var out: [String: String] = [:]
        for name in Self.names(in: stopsDir) where name.hasSuffix(".json") {
            let id = String(name.dropLast(5))
            out[id] = stopRequest(id)
        }
        return out
    }

    /// Whether `sweep cancel` was run.
    public var isCancelled: Bool { FileManager.default.fileExists(atPath: cancelledMarker) }

    /// Removes every file of the trials `ids` (after their records are safely in `trials.jsonl`).
    /// Tickets go first, so a worker that claims one afterwards sees it gone and lets go.
    public func remove(trials ids: Set<String>) {
        guard !ids.isEmpty else { return }
        for t in tickets() where ids.contains(t.id) { dequeue(t) }
        removeAttemptFiles(ids)
    }

    /// Removes the claims, progress, outcomes and stop requests of the trials `ids`, whose tickets
    /// are gone (so no worker takes them again).
    func removeAttemptFiles(_ ids: Set<String>) {
        guard !ids.isEmpty else { return }
        for dir in [claimsDir, progressDir, outcomesDir] {
            for name in Self.names(in: dir) {
                if let id = Self.parseAttempt(name)?.id, ids.contains(id) { unlink(dir + "/" + name) }
            }
        }
        for id in ids { unlink(stopsDir + "/\(id).json") }
    }
}
