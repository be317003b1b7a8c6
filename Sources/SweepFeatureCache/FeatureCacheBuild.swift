#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import SweepData
import SweepTensor

/// Extraction into `<key>.partial/`, resumable batch by batch.
///
/// Layout: `features.f32`, preallocated to N * D * 4 bytes, and `progress.json`, which
/// records how many leading rows are durable. Each batch is extracted, written at its
/// offset, fsynced, and only then recorded (write-fsync-rename of `progress.json`), so after
/// a crash or SIGKILL the record never claims rows that are not on disk. A later run
/// continues at the first unrecorded row. Callers hold the key's lock.
struct FeatureCacheBuild {
    let key: FeatureCacheKey
    /// `<cacheDir>/<key>.partial`
    let folder: URL

    var featuresURL: URL { folder.appendingPathComponent("features.f32") }
    var progressURL: URL { folder.appendingPathComponent("progress.json") }
    var byteCount: Int { key.imagePaths.count * key.featureCount * MemoryLayout<Float>.size }

    /// Extracts the rows not yet committed and writes the manifest into the partial folder.
    /// - Returns: the manifest and the number of images extracted in this run.
    func run(extractor: some FeatureExtractor, onEvent: (FeatureCacheEvent) -> Void) throws
        -> (manifest: FeatureCacheManifest, extractedThisRun: Int) {
        let total = key.imagePaths.count, d = key.featureCount
        let batch = extractor.batchSize
        guard batch > 0 else { throw FeatureCacheError.invalidRequest("extractor batch size must be positive, got \(batch)") }
        var record = try resumeOrStart(onEvent: onEvent)
        let file = try FeatureCachePartialFile(path: featuresURL.path, byteCount: byteCount)
        onEvent(.started(key: key.value, done: record.completedRows, total: total))

        let firstRow = record.completedRows, priorSeconds = record.extractionSeconds
        let start = monotonicSeconds()
        let buffer = FloatBuffer(count: batch * d)  // (batch, D)
        while record.completedRows < total {
            let lo = record.completedRows, hi = min(total, lo + batch)
            try extractor.extract(paths: Array(key.imagePaths[lo..<hi]), into: buffer.pointer)
            try file.write(buffer.pointer, rows: hi - lo, startingAt: lo, featureCount: d)
            try file.sync()
            let elapsed = monotonicSeconds() - start
            record.completedRows = hi
            record.extractionSeconds = priorSeconds + elapsed
            try DurableFiles.replaceDurably(progressURL, with: try JSONEncoder().encode(record))
            onEvent(.progress(FeatureCacheProgress(done: hi, total: total, doneThisRun: hi - firstRow,
                                                   elapsedSeconds: elapsed)))
        }
        try file.sync()

        let mapped = try CachedFeatures.map(featuresURL.path, expectedBytes: byteCount)
        let h = ContentHasher()
        h.update(UnsafeRawBufferPointer(start: mapped, count: byteCount))
        munmap(mapped, byteCount)
        let manifest = FeatureCacheManifest(
            formatVersion: FeatureCacheManifest.currentFormatVersion, key: key.value, identity: key.identity,
            imageCount: total, featureCount: d, imagePaths: key.imagePaths, imageHashes: key.imageHashes,
            featuresByteSize: byteCount, featuresSHA256: h.finalizeHex(),
            dtype: FeatureCacheManifest.float32LittleEndian,
            created: ISO8601DateFormatter().string(from: Date()), extractionSeconds: record.extractionSeconds)
        try DurableFiles.replaceDurably(folder.appendingPathComponent("manifest.json"), with: try manifest.encoded())
        // progress.json stays until the rename: a crash before it resumes with nothing to extract.
        try DurableFiles.syncDirectory(folder)
        return (manifest, total - firstRow)
    }

    /// The progress of an earlier interrupted run, or a fresh partial folder with nothing done.
    /// An unusable partial folder is reported and discarded.
    func resumeOrStart(onEvent: (FeatureCacheEvent) -> Void) throws -> FeatureCacheProgressRecord {
        if FileManager.default.fileExists(atPath: folder.path) {
            switch resumable() {
            case .success(let record): return record
            case .failure(let invalid):
                onEvent(.rebuilding(key: key.value, reason: "partial extraction discarded: \(invalid.reason)"))
                try FileManager.default.removeItem(at: folder)
            }
        }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let record = FeatureCacheProgressRecord(
            formatVersion: FeatureCacheManifest.currentFormatVersion, key: key.value,
            imageCount: key.imagePaths.count, featureCount: key.featureCount, completedRows: 0, extractionSeconds: 0)
        _ = try FeatureCachePartialFile(path: featuresURL.path, byteCount: byteCount)
        try DurableFiles.replaceDurably(progressURL, with: try JSONEncoder().encode(record))
        try DurableFiles.syncDirectory(folder.deletingLastPathComponent())
        return record
    }

    /// The progress record of the partial folder if it matches this key and its file.
    func resumable() -> Result<FeatureCacheProgressRecord, FeatureCacheInvalid> {
        guard let data = try? Data(contentsOf: progressURL) else {
            return .failure(FeatureCacheInvalid("progress.json is missing or unreadable"))
        }
        guard let r = try? JSONDecoder().decode(FeatureCacheProgressRecord.self, from: data) else {
            return .failure(FeatureCacheInvalid("progress.json does not decode"))
        }
        guard r.formatVersion == FeatureCacheManifest.currentFormatVersion, r.key == key.value,
              r.imageCount == key.imagePaths.count, r.featureCount == key.featureCount,
              (0...r.imageCount).contains(r.completedRows) else {
            return .failure(FeatureCacheInvalid("progress.json does not match key \(key.value) "
                + "(N=\(r.imageCount), D=\(r.featureCount), done=\(r.completedRows))"))
        }
        let size = DurableFiles.fileSize(featuresURL.path)
        guard size == byteCount else {
            return .failure(FeatureCacheInvalid("features.f32 is \(size ?? 0) bytes, expected \(byteCount)"))
        }
        return .success(r)
    }
}
