import Foundation
import SweepData

/// Checks a finished cache folder before anyone reads it: the manifest must be self-consistent
/// (its fields hash to the folder's key), match the request, and describe the features file
/// exactly (size and SHA-256). Any failure gives a reason and the cache is rebuilt.
enum FeatureCacheValidation {
    /// Opens `<key>` inside `cacheDirectory`, or explains why it cannot be used.
    /// - Parameters:
    ///   - expected: the request; nil when opening by key alone.
    ///   - verifyChecksum: false skips the SHA-256 of the features (size and manifest are still
    ///     checked) when it was just computed or just verified by the caller.
    static func open(_ folder: URL, key: String, expected: FeatureCacheKey?,
                     verifyChecksum: Bool = true) -> Result<CachedFeatures, FeatureCacheInvalid> {
        let manifest: FeatureCacheManifest
        switch FeatureCacheManifest.read(folder.appendingPathComponent("manifest.json")) {
        case .success(let m): manifest = m
        case .failure(let invalid): return .failure(invalid)
        }
        if let problem = manifestProblem(manifest, key: key, expected: expected) {
            return .failure(FeatureCacheInvalid("manifest.json: \(problem)"))
        }
        let file = folder.appendingPathComponent("features.f32").path
        guard let size = DurableFiles.fileSize(file) else {
            return .failure(FeatureCacheInvalid("features.f32 is missing"))
        }
        guard size == manifest.featuresByteSize else {
            return .failure(FeatureCacheInvalid(
                "features.f32 is \(size) bytes, manifest says \(manifest.featuresByteSize)"))
        }
        let features: CachedFeatures
        do {
            features = try CachedFeatures(file: file, rows: manifest.imageCount, columns: manifest.featureCount,
                                          manifest: manifest, directory: folder)
        } catch {
            return .failure(FeatureCacheInvalid("features.f32 cannot be mapped: \(error)"))
        }
        guard verifyChecksum else { return .success(features) }
        let checksum = features.sha256Hex()
        guard checksum == manifest.featuresSHA256 else {
            return .failure(FeatureCacheInvalid(
                "features.f32 SHA-256 is \(checksum), manifest says \(manifest.featuresSHA256)"))
        }
        return .success(features)
    }

    /// The first inconsistency of `m` with itself, the folder's key or the request, if any.
    static func manifestProblem(_ m: FeatureCacheManifest, key: String, expected: FeatureCacheKey?) -> String? {
        if m.formatVersion != FeatureCacheManifest.currentFormatVersion {
            return "format version \(m.formatVersion), expected \(FeatureCacheManifest.currentFormatVersion)"
        }
        if m.key != key { return "key \(m.key) differs from its folder name \(key)" }
        if m.dtype != FeatureCacheManifest.float32LittleEndian {
            return "dtype \(m.dtype), expected \(FeatureCacheManifest.float32LittleEndian)"
        }
        guard m.imageCount > 0, m.featureCount > 0 else {
            return "N=\(m.imageCount), D=\(m.featureCount) must both be positive"
        }
        if m.imageHashes.count != m.imageCount || m.imagePaths.count != m.imageCount {
            return "N=\(m.imageCount) but \(m.imagePaths.count) paths and \(m.imageHashes.count) hashes"
        }
        if m.featuresByteSize != m.imageCount * m.featureCount * MemoryLayout<Float>.size {
            return "byte size \(m.featuresByteSize) is not N*D*4 = \(m.imageCount * m.featureCount * 4)"
        }
        if let e = expected {
            if m.imageCount != e.imagePaths.count { return "N=\(m.imageCount), request has \(e.imagePaths.count) images" }
            if m.featureCount != e.featureCount { return "D=\(m.featureCount), extractor gives \(e.featureCount)" }
            if m.identity != e.identity { return "identity \"\(m.identity)\", extractor is \"\(e.identity)\"" }
            if let i = (0..<m.imageCount).first(where: { m.imageHashes[$0] != e.imageHashes[$0] }) {
                return "hash of image \(i) (\(e.imagePaths[i])) differs"
            }
        }
        let recomputed = FeatureCacheKey(identity: m.identity, featureCount: m.featureCount,
                                         imagePaths: m.imagePaths, imageHashes: m.imageHashes).value
        if recomputed != key { return "its identity, D and image hashes hash to \(recomputed), not \(key)" }
        return nil
    }
}
