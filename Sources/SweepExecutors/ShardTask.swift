import Foundation
import SweepData
import SweepFeatureCache
import SweepTensor

/// One feature-extraction shard on a cluster node (`sweep extract-shard --plan P --shard I`):
/// hashes its images and checks them against the plan (the data must not have changed since
/// the driver computed the key), runs the extractor over its rows in the cache's batches, and
/// writes `shard-<i>.f32` then `shard-<i>.json`, each renamed into place.
public enum ShardTask {
    /// Runs shard `index` of the plan at `planPath`.
    /// - Parameter makeExtractor: builds the extractor from the plan's recipe.
    public static func run(planPath: String, index: Int, makeExtractor: (String) throws -> any FeatureExtractor,
                           log: (String) -> Void) throws {
        let folder = ShardFolder(path: (planPath as NSString).deletingLastPathComponent)
        guard let plan = folder.readPlan() else { throw FeatureCacheError.invalidRequest("\(planPath): not a shard plan") }
        guard plan.shards.indices.contains(index) else {
            throw FeatureCacheError.invalidRequest("shard \(index) does not exist (the plan has \(plan.shards.count))")
        }
        let start = Date()
        let lo = plan.shards[index][0], hi = plan.shards[index][1], d = plan.featureCount
        let paths = Array(plan.imagePaths[lo..<hi])
        let hashes = try FeatureCacheKey(imagePaths: paths, identity: plan.identity, featureCount: d).imageHashes
        if let i = hashes.indices.first(where: { hashes[$0] != plan.imageHashes[lo + $0] }) {
            throw FeatureCacheError.invalidRequest("\(paths[i]) changed since the sweep computed its feature key")
        }
        let extractor = try makeExtractor(plan.recipe)
        guard extractor.identity == plan.identity, extractor.featureCount == d else {
            throw FeatureCacheError.invalidRequest("the extractor is \"\(extractor.identity)\", the plan wants \"\(plan.identity)\"")
        }
        log("shard \(index): rows \(lo)..<\(hi) (\(hi - lo) images)")
        let features = FloatBuffer(count: (hi - lo) * d)  // (hi - lo, D)
        var row = 0
        while row < paths.count {
            let upto = min(paths.count, row + extractor.batchSize)
            try extractor.extract(paths: Array(paths[row..<upto]), into: features.pointer + row * d)
            row = upto
            log("shard \(index): \(row)/\(paths.count) images")
        }
        let bytes = (hi - lo) * d * MemoryLayout<Float>.size
        let data = Data(bytes: features.pointer, count: bytes)
        try DurableFiles.writeAtomically(data, to: folder.features(index))
        let me = QueueWorker.Identity.fromEnvironment()
        let record = ShardRecord(index: index, lo: lo, hi: hi, bytes: bytes, sha256: ContentHasher.sha256Hex(data),
                                 imageHashes: hashes, job: me.job, host: me.host,
                                 seconds: Date().timeIntervalSince(start))
        try DurableFiles.writeAtomically(try WorkerCodec.encoder().encode(record), to: folder.record(index))
        log(String(format: "shard %d: done in %.1f s", index, record.seconds))
    }
}
