// Test helper for the feature cache's process tests (SIGKILL resume, two processes):
// runs the cache on every file of a folder with the deterministic fake extractor.
//
//   sweep-cache-testhelper CACHE_DIR IMAGE_DIR BATCH_SIZE DELAY_SECONDS
//
// Prints "extracted N" (images extracted by this process) on success; exits 1 with the
// error on standard error otherwise.
import Foundation
import SweepData
import SweepFeatureCache

let args = CommandLine.arguments
guard args.count == 5, let batch = Int(args[3]), let delay = Double(args[4]) else {
    FileHandle.standardError.write(Data("usage: sweep-cache-testhelper CACHE_DIR IMAGE_DIR BATCH_SIZE DELAY_SECONDS\n".utf8))
    exit(2)
}
do {
    let folder = URL(fileURLWithPath: args[2])
    let images = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        .map { folder.appendingPathComponent($0).path }
    let extractor = FakeFeatureExtractor(batchSize: batch, delayPerBatch: delay)
    let cache = FeatureCache(directory: URL(fileURLWithPath: args[1]))
    let renderer = FeatureCacheProgressRenderer(isTerminal: false, plainLineInterval: 0)
    let features = try cache.features(for: images, extractor: extractor, onEvent: renderer.handle)
    print("extracted \(extractor.extractedPaths.count) rows \(features.rows)")
} catch {
    FileHandle.standardError.write(Data("sweep-cache-testhelper: \(error)\n".utf8))
    exit(1)
}
