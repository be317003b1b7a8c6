import Foundation
import SweepData
import SweepFeatureCache
import SweepTensor

/// What the shard tasks of one extraction share: `<cache>/<key>.shards/plan.json`.
public struct ShardPlan: Codable, Sendable, Equatable {
    /// The cache key the shards make up.
    public var key: String
    /// The extractor identity (weights and preprocessing).
    public var identity: String
    /// Features per image (D).
    public var featureCount: Int
    /// Every image, in row order.
    public var imagePaths: [String]
    /// SHA-256 of each image, in row order (from the key).
    public var imageHashes: [String]
    /// Row ranges `[lo, hi)`, one per shard, in order, covering every row.
    public var shards: [[Int]]
    /// How to build the extractor (`FeatureRequest.recipe`).
    public var recipe: String

    /// Shard boundaries fall on multiples of this many rows, so every shard runs the trunk on the
    /// same groups of images as one local extraction does (`TrunkRunner` forwards 8 images at a
    /// time from the start of each call, and the cache calls it at multiples of 64): the
    /// features are then byte-identical, not only equal to rounding.
    public static let alignment = 8

    /// Splits `count` rows into at most `shards` aligned ranges.
    public static func ranges(count: Int, shards: Int) -> [[Int]] {
        let per = max(alignment, (count + max(1, shards) - 1) / max(1, shards))
        let aligned = (per + alignment - 1) / alignment * alignment
        return stride(from: 0, to: count, by: aligned).map { [$0, min(count, $0 + aligned)] }
    }
}

/// What a shard task writes beside its features: `shard-<i>.json`.
public struct ShardRecord: Codable, Sendable, Equatable {
    /// The shard's index and rows.
    public var index: Int, lo: Int, hi: Int
    /// Size and SHA-256 of `shard-<i>.f32`.
    public var bytes: Int, sha256: String
    /// The images' SHA-256 as the task read them.
    public var imageHashes: [String]
    /// Where it ran.
    public var job: String, host: String
    /// Wall seconds.
    public var seconds: Double
}

/// The shard folder `<cache>/<key>.shards/` and its files.
struct ShardFolder {
    let path: String
    var planPath: String { path + "/plan.json" }
    var logs: String { path + "/logs" }
    var submissionsPath: String { path + "/submissions.json" }
    func features(_ i: Int) -> String { path + String(format: "/shard-%04d.f32", i) }
    func record(_ i: Int) -> String { path + String(format: "/shard-%04d.json", i) }

    func readPlan() -> ShardPlan? {
        FileManager.default.contents(atPath: planPath).flatMap { try? WorkerCodec.decoder().decode(ShardPlan.self, from: $0) }
    }

    /// Shard `i` if its files are there and agree with the plan: rows, size, SHA-256, images.
    func verify(_ i: Int, plan: ShardPlan) -> Bool {
        guard let data = FileManager.default.contents(atPath: record(i)),
              let r = try? WorkerCodec.decoder().decode(ShardRecord.self, from: data) else { return false }
        let lo = plan.shards[i][0], hi = plan.shards[i][1]
        guard r.index == i, r.lo == lo, r.hi == hi, r.bytes == (hi - lo) * plan.featureCount * 4,
              DurableFiles.fileSize(features(i)) == r.bytes, r.imageHashes == Array(plan.imageHashes[lo..<hi]),
              let hash = try? Self.sha256(ofFile: features(i)) else { return false }
        return hash == r.sha256
    }

    static func sha256(ofFile path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw FeatureCacheError.io(path: path, operation: "open", errno: errno)
        }
        defer { try? handle.close() }
        let h = ContentHasher()
        while let chunk = try handle.read(upToCount: 1 << 22), !chunk.isEmpty {
            chunk.withUnsafeBytes { h.update($0) }
        }
        return h.finalizeHex()
    }
}

/// Feature extraction on the cluster: the images are split into aligned shards
/// (`ShardPlan.ranges`), each computed by one task of an array job (`sweep extract-shard`);
/// the driver verifies every shard, resubmits lost or damaged ones (up to `retries` times each)
/// and assembles the content-hashed cache through `FeatureCache` itself (partial folder,
/// checksum, manifest, atomic rename), so the result is the cache a local extraction writes.
struct ShardedExtraction {
    let executor: SlurmExecutor
    let request: FeatureRequest

    var key: FeatureCacheKey { request.key }
    var folder: ShardFolder { ShardFolder(path: request.cache.directory.appendingPathComponent(key.value + ".shards").path) }
    var jobName: String { "sweep-extract-" + key.value.prefix(12) }

    func run() async throws {
        if (try? request.cache.open(key: key.value)) != nil {
            request.onEvent(.reused(key: key.value))
            return
        }
        try FileManager.default.createDirectory(atPath: folder.logs, withIntermediateDirectories: true)
        // One driver extracts a key at a time (others wait, then find the cache).
        let lock = try FileLock(path: folder.path + ".lock")
        if try !lock.tryLock() {
            request.onEvent(.waitingForLock(key: key.value))
            try lock.lock()
        }
        defer { lock.unlock() }
        if (try? request.cache.open(key: key.value)) != nil {
            request.onEvent(.reused(key: key.value))
            return
        }
        let plan = try preparePlan()
        let marker = ExtractionMarker(folder: folder.path, jobName: jobName, images: plan.imagePaths.count, shards: plan.shards.count)
        try marker.write(executor.folder)
        defer { unlink(ExtractionMarker.path(executor.folder)) }
        try await runShards(plan)
        let start = Date()
        _ = try request.cache.features(for: key, extractor: ShardAssembler(plan: plan, folder: folder), onEvent: { _ in })
        request.log(String(format: "features: %d shard(s) verified and assembled into cache %@ in %.1f s",
                           plan.shards.count, String(key.value.prefix(12)), Date().timeIntervalSince(start)))
        try? FileManager.default.removeItem(atPath: folder.path)
    }

    /// The plan on disk if it is this key's with the same shards (a restarted driver keeps the
    /// shards already done), else a fresh one.
    func preparePlan() throws -> ShardPlan {
        let shards = ShardPlan.ranges(count: key.imagePaths.count, shards: executor.settings.shards ?? executor.settings.maxConcurrent)
        let plan = ShardPlan(key: key.value, identity: key.identity, featureCount: key.featureCount, imagePaths: key.imagePaths,
                             imageHashes: key.imageHashes, shards: shards, recipe: request.recipe)
        if let old = folder.readPlan(), old.key == plan.key, old.shards == plan.shards, old.identity == plan.identity {
            return old
        }
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] where name.hasPrefix("shard-") {
            unlink(folder.path + "/" + name)
        }
        unlink(folder.submissionsPath)
        try DurableFiles.writeAtomically(try WorkerCodec.encoder().encode(plan), to: folder.planPath)
        return plan
    }

    /// Submits the shards not done and not running until every one verifies.
    func runShards(_ plan: ShardPlan) async throws {
        let control = executor.control
        var done = Set<Int>(), absentSince: [Int: Date] = [:]
        var submissions = (FileManager.default.contents(atPath: folder.submissionsPath))
            .flatMap { try? JSONDecoder().decode([String: [String]].self, from: $0) } ?? [:]  // shard -> jobs
        var reported = -1, lastWait = ""
        request.log("features: extracting \(plan.imagePaths.count) images as \(plan.shards.count) Slurm shard task(s)")
        while done.count < plan.shards.count {
            try Task.checkCancellation()
            if executor.folder.isCancelled {
                throw SlurmError(command: "sweep cancel", message: "the sweep was cancelled during feature extraction")
            }
            guard let jobs = try? await control.jobs(named: jobName) else {
                try await Task.sleep(for: .milliseconds(Int64(executor.settings.poll * 1000)))
                continue
            }
            let running = Set(jobs.compactMap { $0.id.split(separator: "_").last.flatMap { Int($0) } })
            var missing: [Int] = []
            for i in plan.shards.indices where !done.contains(i) {
                if folder.verify(i, plan: plan) { done.insert(i); continue }
                if running.contains(i) { absentSince[i] = nil; continue }
                let tries = submissions["\(i)", default: []]
                if let last = tries.last {
                    // Submitted before and gone: lost once it stays gone for the grace period.
                    guard let since = absentSince[i] else { absentSince[i] = Date(); continue }
                    if Date().timeIntervalSince(since) < SlurmDriver.lostGrace || folder.verify(i, plan: plan) { continue }
                    let ending = await control.ending(of: last)
                    guard tries.count <= executor.retries else {
                        let tail = logTail(last).map { "  | \($0)" }.joined(separator: "\n")
                        throw SlurmError(command: "feature shard \(i)", message: "rows \(plan.shards[i][0])..<\(plan.shards[i][1]) "
                            + "failed \(tries.count) time(s); last Slurm job \(last) \(ending.map { "ended \($0)" } ?? "vanished")\n\(tail)")
                    }
                    request.log("features: shard \(i) lost (Slurm job \(last) \(ending.map { "ended \($0)" } ?? "vanished")); resubmitting")
                }
                for name in [folder.features(i), folder.record(i)] { unlink(name) }
                missing.append(i)
                absentSince[i] = nil
            }
            if !missing.isEmpty {
                let id = try await submit(missing, plan: plan)
                for i in missing { submissions["\(i)", default: []].append("\(id)_\(i)") }
                try DurableFiles.writeAtomically(try JSONEncoder().encode(submissions), to: folder.submissionsPath)
                request.log("features: submitted job \(id) for shard(s) \(SlurmSubmission.ranges(missing))")
            }
            if done.count != reported {
                reported = done.count
                request.log("features: \(done.count)/\(plan.shards.count) shard(s) done")
            }
            let pending = jobs.filter(\.isPending)
            if !pending.isEmpty, !jobs.contains(where: { $0.state == "RUNNING" }) {
                let why = await executor.waitingReason(pending)
                if why != lastWait { request.log("features: waiting: \(why)"); lastWait = why }
            } else {
                lastWait = ""
            }
            if done.count < plan.shards.count {
                try await Task.sleep(for: .milliseconds(Int64(executor.settings.poll * 1000)))
            }
        }
    }

    /// One array job with a task per missing shard, at most `max_concurrent` at once.
    func submit(_ shards: [Int], plan: ShardPlan) async throws -> String {
        let command = [executor.executable, "extract-shard", "--plan", folder.planPath, "--shard", "$SLURM_ARRAY_TASK_ID"]
        var submission = SlurmSubmission(
            name: jobName, script: SlurmExecutor.script(command), arrayIndices: shards, output: folder.logs + "/%A_%a.log",
            workingDirectory: executor.workingDirectory, options: executor.jobOptions, environment: executor.environment)
        submission.throttle = executor.settings.maxConcurrent
        return try await executor.control.submit(submission)
    }

    func logTail(_ job: String) -> [String] { SlurmExecutor.tail(of: folder.logs + "/\(job).log", count: 15) }
}

/// Feeds `FeatureCache` the rows of verified shards, so the cache it builds from them is
/// exactly the one a local extraction builds (same file, checksum, manifest fields).
final class ShardAssembler: FeatureExtractor {
    let plan: ShardPlan
    let folder: ShardFolder
    let identity: String
    let featureCount: Int
    let batchSize = 512
    private var cursor = 0

    init(plan: ShardPlan, folder: ShardFolder) {
        self.plan = plan
        self.folder = folder
        identity = plan.identity
        featureCount = plan.featureCount
    }

    /// - Parameter output: (paths.count, D), copied from the shards that hold those rows.
    func extract(paths: [String], into output: UnsafeMutablePointer<Float>) throws {
        let start = try firstRow(of: paths)
        let rowBytes = featureCount * 4
        var row = start
        while row < start + paths.count {
            guard let i = plan.shards.firstIndex(where: { $0[0] <= row && row < $0[1] }) else {
                throw FeatureCacheError.invalidRequest("row \(row) is in no shard")
            }
            let upto = min(plan.shards[i][1], start + paths.count)
            guard let handle = FileHandle(forReadingAtPath: folder.features(i)) else {
                throw FeatureCacheError.io(path: folder.features(i), operation: "open", errno: errno)
            }
            defer { try? handle.close() }
            try handle.seek(toOffset: UInt64((row - plan.shards[i][0]) * rowBytes))
            let data = try handle.read(upToCount: (upto - row) * rowBytes) ?? Data()
            guard data.count == (upto - row) * rowBytes else {
                throw FeatureCacheError.invalidCache(path: folder.features(i), reason: "short read")
            }
            data.withUnsafeBytes { raw in
                guard let base = raw.baseAddress else { return }
                UnsafeMutableRawPointer(output + (row - start) * featureCount).copyMemory(from: base, byteCount: raw.count)
            }
            row = upto
        }
        cursor = start + paths.count
    }

    /// The row the cache's slice `paths` starts at: where the last one ended, else found.
    func firstRow(of paths: [String]) throws -> Int {
        func matches(_ r: Int) -> Bool { r + paths.count <= plan.imagePaths.count && Array(plan.imagePaths[r..<(r + paths.count)]) == paths }
        if matches(cursor) { return cursor }
        if let r = plan.imagePaths.indices.first(where: matches) { return r }
        throw FeatureCacheError.invalidRequest("images not in the shard plan")
    }
}
