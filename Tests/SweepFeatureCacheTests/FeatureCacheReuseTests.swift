import Foundation
import XCTest
import SweepTensor
import SweepData
@testable import SweepFeatureCache
import SweepTestSupport

/// Reuse of a finished cache and what does and does not change the key.
final class FeatureCacheReuseTests: FeatureCacheTestCase {
    func testFirstCallExtractsSecondCallReadsTheCache() throws {
        let images = try makeImages(10)
        let first = FakeFeatureExtractor(batchSize: 4)
        let (f1, events1) = try run(images, first)
        XCTAssertEqual(first.extractedPaths, images)
        XCTAssertEqual(first.calls, 3)
        XCTAssertEqual(f1.rows, 10)
        XCTAssertEqual(f1.columns, 16)
        XCTAssertEqual(values(f1), try expectedFeatures(images, extractor: first))
        XCTAssertTrue(events1.contains { if case .finished(_, 10, _) = $0 { return true }; return false })

        let second = FakeFeatureExtractor(batchSize: 4)
        let (f2, events2) = try run(images, second)
        XCTAssertEqual(second.calls, 0, "a valid cache must not call the extractor")
        XCTAssertEqual(events2, [.reused(key: f1.manifest.key)])
        XCTAssertEqual(values(f2), values(f1))
        let key = f1.manifest.key
        XCTAssertEqual(try cacheEntries(), [key, key + ".lock"], "partial folder renamed into place")
    }

    func testManifestDescribesImagesAndFile() throws {
        let images = try makeImages(5)
        let (f, _) = try run(images, FakeFeatureExtractor(featureCount: 8, batchSize: 2))
        let m = f.manifest
        XCTAssertEqual(m.formatVersion, 1)
        XCTAssertEqual(m.key, f.directory.lastPathComponent)
        XCTAssertEqual(m.imageCount, 5)
        XCTAssertEqual(m.featureCount, 8)
        XCTAssertEqual(m.imagePaths, images)
        XCTAssertEqual(m.imageHashes, try images.map { ContentHasher.sha256Hex(try Data(contentsOf: URL(fileURLWithPath: $0))) })
        let file = try Data(contentsOf: f.directory.appendingPathComponent("features.f32"))
        XCTAssertEqual(file.count, 5 * 8 * 4)
        XCTAssertEqual(m.featuresByteSize, file.count)
        XCTAssertEqual(m.featuresSHA256, ContentHasher.sha256Hex(file))
        // The file is raw little-endian float32, row-major.
        let decoded = (0..<40).map { i in
            Float(bitPattern: file[(i * 4)..<(i * 4 + 4)].reversed().reduce(0) { $0 << 8 | UInt32($1) })
        }
        XCTAssertEqual(decoded, values(f))
        let onDisk = try JSONDecoder().decode(FeatureCacheManifest.self,
                                              from: Data(contentsOf: f.directory.appendingPathComponent("manifest.json")))
        XCTAssertEqual(onDisk, m)
    }

    func testRenamedFolderKeepsTheKey() throws {
        let images = try makeImages(6)
        let (f1, _) = try run(images, FakeFeatureExtractor())
        let moved = root.appendingPathComponent("renamed")
        try FileManager.default.moveItem(at: root.appendingPathComponent("images"), to: moved)
        let movedImages = images.map { moved.appendingPathComponent(URL(fileURLWithPath: $0).lastPathComponent).path }
        let again = FakeFeatureExtractor()
        let (f2, events) = try run(movedImages, again)
        XCTAssertEqual(again.calls, 0)
        XCTAssertEqual(events, [.reused(key: f1.manifest.key)])
        XCTAssertEqual(values(f2), values(f1))
    }

    func testOneChangedByteGivesANewKey() throws {
        let images = try makeImages(6)
        let (f1, _) = try run(images, FakeFeatureExtractor())
        var bytes = try Data(contentsOf: URL(fileURLWithPath: images[3]))
        bytes[bytes.count / 2] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: images[3]))
        let again = FakeFeatureExtractor()
        let (f2, _) = try run(images, again)
        XCTAssertNotEqual(f2.manifest.key, f1.manifest.key)
        XCTAssertEqual(again.extractedPaths, images)
        XCTAssertEqual(values(f2), try expectedFeatures(images, extractor: again))
        XCTAssertEqual(values(f2)[0..<(3 * 16)], values(f1)[0..<(3 * 16)], "unchanged images keep their features")
        XCTAssertNotEqual(f2.row(3), f1.row(3))
    }

    func testIdentityFeatureCountAndOrderChangeTheKey() throws {
        let images = try makeImages(4)
        let base = try FeatureCacheKey(imagePaths: images, identity: "w1|p1", featureCount: 16)
        XCTAssertEqual(base.value.count, 64)
        XCTAssertEqual(try FeatureCacheKey(imagePaths: images, identity: "w1|p1", featureCount: 16), base)
        let others = [
            try FeatureCacheKey(imagePaths: images, identity: "w2|p1", featureCount: 16),  // weights
            try FeatureCacheKey(imagePaths: images, identity: "w1|p2", featureCount: 16),  // preprocessing
            try FeatureCacheKey(imagePaths: images, identity: "w1|p1", featureCount: 15),
            try FeatureCacheKey(imagePaths: images.reversed(), identity: "w1|p1", featureCount: 16),
            try FeatureCacheKey(imagePaths: Array(images.dropLast()), identity: "w1|p1", featureCount: 16),
        ].map(\.value)
        XCTAssertEqual(Set(others + [base.value]).count, 6)

        // Through the cache: a changed identity or feature count extracts again.
        _ = try run(images, FakeFeatureExtractor(identity: "a"))
        let b = FakeFeatureExtractor(identity: "b")
        _ = try run(images, b)
        XCTAssertEqual(b.extractedPaths, images)
        let wider = FakeFeatureExtractor(identity: "a", featureCount: 17)
        let (f, _) = try run(images, wider)
        XCTAssertEqual(wider.extractedPaths, images)
        XCTAssertEqual(f.columns, 17)
    }

    func testOpenByKeyAndMissingKey() throws {
        let images = try makeImages(3)
        let (f1, _) = try run(images, FakeFeatureExtractor())
        let cache = FeatureCache(directory: cacheDir)
        XCTAssertEqual(values(try cache.open(key: f1.manifest.key)), values(f1))
        XCTAssertThrowsError(try cache.open(key: String(repeating: "0", count: 64))) { error in
            guard case FeatureCacheError.invalidCache(_, let reason)? = error as? FeatureCacheError else {
                return XCTFail("\(error)")
            }
            XCTAssertTrue(reason.contains("manifest.json"), reason)
        }
    }

    func testMissingImageAndEmptyListAreErrors() throws {
        let images = try makeImages(2)
        let missing = root.appendingPathComponent("nope.jpg").path
        XCTAssertThrowsError(try run(images + [missing], FakeFeatureExtractor())) { error in
            XCTAssertEqual(error as? FeatureCacheError, .unreadableImage(path: missing, errno: ENOENT))
        }
        XCTAssertThrowsError(try run([], FakeFeatureExtractor())) { error in
            XCTAssertEqual(error as? FeatureCacheError, .invalidRequest("no images to extract"))
        }
    }

    func testParallelHashingMatchesPerFileHashesAndReportsTheFirstMissingFile() throws {
        var images = try makeImages(100)
        let key = try FeatureCacheKey(imagePaths: images, identity: "x", featureCount: 4)
        XCTAssertEqual(key.imageHashes, try images.map { ContentHasher.sha256Hex(try Data(contentsOf: URL(fileURLWithPath: $0))) })
        for i in [90, 40, 60] { images[i] = root.appendingPathComponent("missing-\(i)").path }
        XCTAssertThrowsError(try FeatureCacheKey(imagePaths: images, identity: "x", featureCount: 4)) { error in
            XCTAssertEqual(error as? FeatureCacheError, .unreadableImage(path: images[40], errno: ENOENT))
        }
    }
}
