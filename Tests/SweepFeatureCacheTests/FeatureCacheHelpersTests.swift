import Foundation
import XCTest
import SweepData
@testable import SweepFeatureCache
import SweepTestSupport

/// Shared set-up for the feature-cache tests: a temporary folder with small fake "images"
/// (random bytes of varied length) and the features the fake extractor gives them when
/// called on one image at a time, with no cache involved.
class FeatureCacheTestCase: XCTestCase {
    var root: URL!
    var cacheDir: URL { root.appendingPathComponent("cache") }

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("featurecache-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: root)
    }

    /// Writes `count` files of pseudo-random bytes into `root/<folder>`; returns their paths in order.
    func makeImages(_ count: Int, folder: String = "images", seed: UInt64 = 1) throws -> [String] {
        let dir = root.appendingPathComponent(folder)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var s = seed
        return try (0..<count).map { i in
            let length = 100 + i * 37 % 500
            let bytes = (0..<length).map { _ -> UInt8 in
                s = s &* 6364136223846793005 &+ 1442695040888963407
                return UInt8(truncatingIfNeeded: s >> 33)
            }
            let url = dir.appendingPathComponent(String(format: "img%03d.bin", i))
            try Data(bytes).write(to: url)
            return url.path
        }
    }

    /// (images.count, featureCount): each image's fake features, computed one image at a time.
    func expectedFeatures(_ images: [String], extractor: FakeFeatureExtractor) throws -> [Float] {
        var out = [Float](repeating: .nan, count: images.count * extractor.featureCount)
        for (i, path) in images.enumerated() {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            out.withUnsafeMutableBufferPointer { buf in
                FakeFeatureExtractor.features(of: bytes, identity: extractor.identity,
                                              into: buf.baseAddress! + i * extractor.featureCount,
                                              count: extractor.featureCount)
            }
        }
        return out
    }

    /// All values of a mapped cache, row-major.
    func values(_ f: CachedFeatures) -> [Float] {
        Array(UnsafeBufferPointer(start: f.pointer, count: f.rows * f.columns))
    }

    /// Runs the cache, collecting its events.
    func run(_ images: [String], _ extractor: FakeFeatureExtractor, cache: FeatureCache? = nil) throws
        -> (CachedFeatures, [FeatureCacheEvent]) {
        var events: [FeatureCacheEvent] = []
        let f = try (cache ?? FeatureCache(directory: cacheDir)).features(for: images, extractor: extractor) {
            events.append($0)
        }
        return (f, events)
    }

    /// The reason of the first `.rebuilding` event, if any.
    func rebuildReason(_ events: [FeatureCacheEvent]) -> String? {
        for case let .rebuilding(_, reason) in events { return reason }
        return nil
    }

    /// Entries of the cache folder.
    func cacheEntries() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: cacheDir.path).sorted()
    }
}
