import Foundation
import SweepData

/// Which `sweep run` drives a Slurm sweep: `slurm/driver.json` names its host and pid and is
/// renewed at every poll. A second driver (on this or another login node) is refused while the
/// holder lives: same host, by its pid; another host, while its heartbeat is younger than
/// `staleAfter`. `flock` is not used for this: across NFS clients it may be missing or local.
public struct DriverLease: Sendable {
    /// Who holds the lease.
    public struct Holder: Codable, Sendable, Equatable {
        /// The login node.
        public var host: String
        /// The driver process.
        public var pid: Int32
        /// When it took the lease.
        public var since: Date
        /// Its last renewal.
        public var heartbeat: Date
    }

    /// `slurm/driver.json`.
    public let path: String
    /// Seconds without a renewal after which another host may take over.
    public let staleAfter: Double
    let me: Holder

    /// The lease at `path` for this process.
    public init(path: String, staleAfter: Double) {
        self.path = path
        self.staleAfter = staleAfter
        let now = Date()
        me = Holder(host: ProcessInfo.processInfo.hostName, pid: getpid(), since: now, heartbeat: now)
    }

    /// The current holder, if any.
    public static func holder(at path: String) -> Holder? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? WorkerCodec.decoder().decode(Holder.self, from: data)
    }

    /// Whether `holder` is a live driver other than this process.
    func isLiveOther(_ holder: Holder, now: Date = Date()) -> Bool {
        if holder.host == me.host {
            return holder.pid != me.pid && (kill(holder.pid, 0) == 0 || errno == EPERM)
        }
        return now.timeIntervalSince(holder.heartbeat) < staleAfter
    }

    /// Takes the lease; throws when another live driver holds it.
    public func acquire() throws {
        if let holder = Self.holder(at: path), isLiveOther(holder) {
            throw DriverBusy(holder: holder, path: path)
        }
        try write(me)
        // Two drivers taking a stale lease at once: the last rename wins, the other sees it.
        usleep(50_000)
        if let holder = Self.holder(at: path), holder.host != me.host || holder.pid != me.pid {
            throw DriverBusy(holder: holder, path: path)
        }
    }

    /// Renews the heartbeat.
    public func renew() throws {
        var now = me
        now.heartbeat = Date()
        try write(now)
    }

    /// Gives the lease up (when it is still ours).
    public func release() {
        if let holder = Self.holder(at: path), holder.host == me.host, holder.pid == me.pid { unlink(path) }
    }

    func write(_ holder: Holder) throws {
        try DurableFiles.writeAtomically(try WorkerCodec.encoder().encode(holder), to: path)
    }
}

/// Another driver holds a sweep's lease.
public struct DriverBusy: Error, CustomStringConvertible {
    /// The live holder.
    public var holder: DriverLease.Holder
    /// The lease file.
    public var path: String

    /// Names the other driver.
    public var description: String {
        let age = Int(Date().timeIntervalSince(holder.heartbeat))
        return "\(path): another sweep run (pid \(holder.pid) on \(holder.host), seen \(age) s ago) drives this sweep; "
            + "wait for it or stop it"
    }
}
