import Foundation
import SweepCore
import SweepData

/// The folder `results/<name>/` of one sweep and the rules that keep it consistent:
///
/// - `trials.jsonl`: append-only, one immutable `TrialRecord` per finished trial, synced as
///   each trial ends;
/// - `leaderboard.csv`: rewritten atomically after every trial;
/// - `checkpoints/<id>/`: a trial's head, written by its worker; only the best is kept;
/// - `best`: a symbolic link to the best trial's checkpoint, replaced atomically;
/// - `sweep.yaml`, `split.json`, `context.json`: what the sweep ran on;
/// - `.lock`: held by the running `sweep run`.
public final class ResultsStore: @unchecked Sendable {
    /// `results/<name>`.
    public let directory: String

    /// `trials.jsonl`.
    public var trialsPath: String { directory + "/trials.jsonl" }
    /// `leaderboard.csv`: one row per configuration.
    public var leaderboardPath: String { directory + "/leaderboard.csv" }
    /// `runs.csv`: one row per run.
    public var runsPath: String { directory + "/runs.csv" }
    /// `final.json`: the chosen configuration, its thresholds, its refit and its test result.
    public var finalPath: String { directory + "/final.json" }
    /// `refit/`: the chosen configuration trained on every non-test row.
    public var refitPath: String { directory + "/refit" }
    /// `checkpoints/`.
    public var checkpointsPath: String { directory + "/checkpoints" }
    /// `best`, the link to the best checkpoint.
    public var bestPath: String { directory + "/best" }
    /// `sweep.yaml`, the resolved sweep file.
    public var specPath: String { directory + "/sweep.yaml" }
    /// `split.json`.
    public var splitPath: String { directory + "/split.json" }
    /// `context.json`, what the workers share.
    public var contextPath: String { directory + "/context.json" }
    /// `.lock`, held by the running `sweep run`.
    public var lockPath: String { directory + "/.lock" }

    /// The store of `results/<name>` (nothing is created until `openForRun`).
    public init(directory: String) { self.directory = directory }

    /// The checkpoint folder of trial `id`.
    public func checkpointPath(_ id: String) -> String { checkpointsPath + "/" + id }

    /// Creates the folder and takes its lock; refuses when another `sweep run` holds it.
    public func openForRun() throws -> FileLock {
        try FileManager.default.createDirectory(atPath: checkpointsPath, withIntermediateDirectories: true)
        let lock = try FileLock(path: lockPath)
        guard try lock.tryLock() else { throw inUse() }
        lock.writeHolderPID()
        return lock
    }

    /// Refuses when another `sweep run` holds this folder's lock (creates nothing).
    public func refuseIfInUse() throws {
        guard FileManager.default.fileExists(atPath: lockPath) else { return }
        let probe = try FileLock(path: lockPath)
        guard try probe.tryLock() else { throw inUse() }
        probe.unlock()
    }

    func inUse() -> FileError {
        let who = FileLock.holder(of: lockPath).map { " (pid \($0))" } ?? ""
        return FileError(path: directory, reason: "another sweep run\(who) is using this results folder; wait for it or stop it")
    }

    /// Refuses to mix trials computed on other features, labels or splits in one folder.
    public func checkCompatible(_ context: WorkerContext) throws {
        guard FileManager.default.fileExists(atPath: contextPath) else { return }
        let previous = try WorkerContext.read(contextPath)
        if previous.cacheKey != context.cacheKey || previous.classNames != context.classNames
            || previous.targets != context.targets || previous.trainIndices != context.trainIndices
            || previous.validationIndices != context.validationIndices || previous.folds != context.folds {
            throw FileError(path: directory, reason: "holds trials computed on other features, labels or another split "
                + "(the data, the trunk weights or the split changed since). Move the folder away or give the sweep another name.")
        }
    }

    /// The records in `trials.jsonl`, one per id: the last one of an id wins (`sweep run --rerun`
    /// appends a new record for a trial run again), in the order ids first appear. A partial
    /// last line, left by a crash in the middle of an append, is skipped, and cut off the file
    /// when `repair` (only the running `sweep run` repairs); a bad line elsewhere is an error.
    public func loadRecords(repair: Bool = true) throws -> [TrialRecord] {
        guard let data = FileManager.default.contents(atPath: trialsPath) else { return [] }
        var records: [TrialRecord] = []
        var position: [String: Int] = [:]
        var goodLength = 0
        var offset = 0
        let bytes = [UInt8](data)
        var lineNumber = 0
        while offset < bytes.count {
            lineNumber += 1
            let end = bytes[offset...].firstIndex(of: UInt8(ascii: "\n"))
            let lineBytes = bytes[offset..<(end ?? bytes.count)]
            let text = String(decoding: lineBytes, as: UTF8.self)
            if end == nil {
                // No newline: an append that did not finish. Drop it.
                break
            }
            if !text.trimmingCharacters(in: .whitespaces).isEmpty {
                do {
                    let record = try TrialRecord(jsonLine: text)
                    if let k = position[record.id] { records[k] = record } else {
                        position[record.id] = records.count
                        records.append(record)
                    }
                } catch {
                    throw FileError(path: "\(trialsPath):\(lineNumber)", reason: "not a trial record: \(error)")
                }
            }
            offset = (end ?? bytes.count) + 1
            goodLength = offset
        }
        if repair && goodLength < bytes.count { truncate(trialsPath, off_t(goodLength)) }
        return records
    }

    /// Appends a record and syncs it to disk.
    public func append(_ record: TrialRecord) throws {
        try DurableFiles.appendLine(try record.jsonLine(), to: trialsPath)
    }

    /// Appends records with one write and one sync (a batch of outcomes collected at once).
    public func append(_ records: [TrialRecord]) throws {
        guard !records.isEmpty else { return }
        try DurableFiles.appendLine(try records.map { try $0.jsonLine() }.joined(separator: "\n"), to: trialsPath)
    }

    /// Rewrites the leaderboard atomically.
    public func writeLeaderboard(_ csv: String) throws {
        try DurableFiles.writeAtomically(Data(csv.utf8), to: leaderboardPath)
    }

    /// Rewrites `runs.csv` atomically.
    public func writeRuns(_ csv: String) throws {
        try DurableFiles.writeAtomically(Data(csv.utf8), to: runsPath)
    }

    /// Like `reconcileBest(ranked:keep:)`, keeping the checkpoints of the runs in `keeping`
    /// (every run of the best configurations) and pointing `best` at the first of them.
    @discardableResult
    public func reconcileBest(ranked: [TrialRecord], keeping: Set<String>) throws -> String? {
        let fm = FileManager.default
        let kept = ranked.filter { $0.state == .complete && keeping.contains($0.id) && fm.fileExists(atPath: checkpointPath($0.id)) }
        let keptIDs = Set(kept.map(\.id))
        let best = kept.first
        if let best {
            if bestTrialID != best.id { try DurableFiles.replaceSymlink(bestPath, pointingTo: "checkpoints/" + best.id) }
        } else if bestTrialID != nil {
            unlink(bestPath)
        }
        for record in ranked where !keptIDs.contains(record.id) {
            let path = checkpointPath(record.id)
            if fm.fileExists(atPath: path) { try? fm.removeItem(atPath: path) }
        }
        return best?.id
    }

    /// Points `best` at the refit model (`refit/`).
    public func pointBestAtRefit() throws {
        try DurableFiles.replaceSymlink(bestPath, pointingTo: "refit")
    }

    /// The trial `best` points at, if any.
    public var bestTrialID: String? {
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: bestPath) else { return nil }
        return (target as NSString).lastPathComponent
    }

    /// Points `best` at the top-ranked complete trial whose checkpoint exists, keeps the
    /// checkpoints of the `keep` top-ranked such trials, and deletes those of every other
    /// finished trial. Idempotent; run after each trial and at start.
    ///
    /// - Parameters:
    ///   - ranked: finished records, best first (`Leaderboard.ranked`).
    ///   - keep: how many checkpoints to keep (at least the best one).
    /// - Returns: the id `best` points at.
    @discardableResult
    public func reconcileBest(ranked: [TrialRecord], keep: Int = 1) throws -> String? {
        let fm = FileManager.default
        let top = ranked.filter { $0.state == .complete && fm.fileExists(atPath: checkpointPath($0.id)) }.prefix(max(1, keep))
        return try reconcileBest(ranked: ranked, keeping: Set(top.map(\.id)))
    }

    /// Removes checkpoint folders no finished trial owns (left by workers killed mid-write).
    /// Call only while no worker runs, except those of the trials `inFlight` (running jobs a
    /// restarted Slurm driver adopts), whose folders are left alone.
    public func removeOrphanCheckpoints(finished: Set<String>, keep: String?, inFlight: Set<String> = []) {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: checkpointsPath) else { return }
        for name in names where name != keep && !finished.contains(name)
            && !inFlight.contains(String(name.prefix(while: { $0 != "." }))) {
            try? fm.removeItem(atPath: checkpointsPath + "/" + name)
        }
    }
}
