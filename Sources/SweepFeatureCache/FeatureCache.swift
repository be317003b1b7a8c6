#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import SweepData

/// The on-disk cache of frozen-trunk features, shared by every trial of every sweep.
///
/// Layout under `directory` (default `results/cache`):
/// - `<key>/features.f32`: (N, D) raw little-endian float32, row i = image i;
/// - `<key>/manifest.json`: `FeatureCacheManifest`;
/// - `<key>.partial/`: an extraction in progress (see `FeatureCacheBuild`);
/// - `<key>.lock`: flocked by the process building `<key>`.
///
/// A finished `<key>/` appears only by an atomic rename and is never modified afterwards,
/// so readers need no lock; builders take `<key>.lock`, so two processes asking for the
/// same features extract them once. A cache that fails validation is reported and rebuilt.
public struct FeatureCache: Sendable {
    /// The default cache folder, relative to the working directory.
    public static let defaultDirectory = URL(fileURLWithPath: "results/cache")

    /// The cache folder.
    public let directory: URL

    /// A cache rooted at `directory` (created when first needed).
    public init(directory: URL = FeatureCache.defaultDirectory) {
        self.directory = directory
    }

    /// The features of `imagePaths` (in that row order) under `extractor`: read from the cache
    /// when a valid one exists, otherwise extracted (resuming an interrupted extraction) and stored.
    /// - Parameter onEvent: called on this thread with reuse, waiting, rebuild and progress events.
    public func features(for imagePaths: [String], extractor: some FeatureExtractor,
                         onEvent: (FeatureCacheEvent) -> Void = { _ in }) throws -> CachedFeatures {
        let key = try FeatureCacheKey(imagePaths: imagePaths, identity: extractor.identity,
                                      featureCount: extractor.featureCount)
        return try features(for: key, extractor: extractor, onEvent: onEvent)
    }

    /// As `features(for:extractor:onEvent:)`, with the key already computed.
    public func features(for key: FeatureCacheKey, extractor: some FeatureExtractor,
                         onEvent: (FeatureCacheEvent) -> Void = { _ in }) throws -> CachedFeatures {
        guard key.identity == extractor.identity, key.featureCount == extractor.featureCount else {
            throw FeatureCacheError.invalidRequest(
                "key was computed for identity \"\(key.identity)\" D=\(key.featureCount), extractor is "
                + "\"\(extractor.identity)\" D=\(extractor.featureCount)")
        }
        let folder = folder(for: key.value)
        if FileManager.default.fileExists(atPath: folder.path),
           case .success(let cached) = FeatureCacheValidation.open(folder, key: key.value, expected: key) {
            onEvent(.reused(key: key.value))
            return cached
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let lock = try FileLock(path: directory.appendingPathComponent(key.value + ".lock").path)
        if try !lock.tryLock() {
            onEvent(.waitingForLock(key: key.value))
            try lock.lock()
        }
        defer { lock.unlock() }

        // Another process may have finished (or left a broken cache) while we waited.
        if FileManager.default.fileExists(atPath: folder.path) {
            switch FeatureCacheValidation.open(folder, key: key.value, expected: key) {
            case .success(let cached):
                onEvent(.reused(key: key.value))
                return cached
            case .failure(let invalid):
                onEvent(.rebuilding(key: key.value, reason: invalid.reason))
                try discard(folder)
            }
        }
        let build = FeatureCacheBuild(key: key, folder: directory.appendingPathComponent(key.value + ".partial"))
        let (manifest, extracted) = try build.run(extractor: extractor, onEvent: onEvent)
        guard rename(build.folder.path, folder.path) == 0 else {
            throw FeatureCacheError.io(path: folder.path, operation: "rename", errno: errno)
        }
        try DurableFiles.syncDirectory(directory)
        try? FileManager.default.removeItem(at: folder.appendingPathComponent("progress.json"))
        // The build hashed the features it just wrote; no need to read them all again.
        let cached = try open(key: key.value, verifyingChecksum: false)
        onEvent(.finished(key: key.value, extractedThisRun: extracted, seconds: manifest.extractionSeconds))
        return cached
    }

    /// Maps the finished cache `key` after validating it (manifest consistent with its key,
    /// size, and unless `verifyingChecksum` is false the SHA-256), e.g. in a worker process
    /// that was handed the key of a cache its orchestrator has just verified.
    /// - Throws: `FeatureCacheError.invalidCache` naming the folder and the reason.
    public func open(key: String, verifyingChecksum: Bool = true) throws -> CachedFeatures {
        let folder = folder(for: key)
        switch FeatureCacheValidation.open(folder, key: key, expected: nil, verifyChecksum: verifyingChecksum) {
        case .success(let cached): return cached
        case .failure(let invalid): throw FeatureCacheError.invalidCache(path: folder.path, reason: invalid.reason)
        }
    }

    /// `<directory>/<key>`.
    public func folder(for key: String) -> URL { directory.appendingPathComponent(key) }

    /// Moves an unusable cache folder out of the way (atomically), then deletes it.
    func discard(_ folder: URL) throws {
        let aside = URL(fileURLWithPath: folder.path + ".discarded-\(getpid())-\(UInt64(Date().timeIntervalSince1970 * 1e6))")
        guard rename(folder.path, aside.path) == 0 else {
            throw FeatureCacheError.io(path: folder.path, operation: "rename", errno: errno)
        }
        try FileManager.default.removeItem(at: aside)
    }
}
