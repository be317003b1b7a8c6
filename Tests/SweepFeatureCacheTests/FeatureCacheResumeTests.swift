import Foundation
import XCTest
import SweepData
@testable import SweepFeatureCache
import SweepTestSupport

/// Resuming an interrupted extraction (the extractor throws after k batches).
final class FeatureCacheResumeTests: FeatureCacheTestCase {
    func progressRecord(_ key: String) throws -> FeatureCacheProgressRecord {
        let url = cacheDir.appendingPathComponent(key + ".partial/progress.json")
        return try JSONDecoder().decode(FeatureCacheProgressRecord.self, from: Data(contentsOf: url))
    }

    func testInterruptedRunResumesAtTheFirstUnfinishedBatch() throws {
        let images = try makeImages(22)  // batches of 4: 5 full + one of 2
        let key = try FeatureCacheKey(imagePaths: images, identity: "fake-trunk/1", featureCount: 16).value

        let failing = FakeFeatureExtractor(batchSize: 4, failAfterBatches: 2)
        XCTAssertThrowsError(try run(images, failing)) { XCTAssertTrue($0 is FakeFeatureExtractor.Interrupted) }
        XCTAssertEqual(failing.extractedPaths, Array(images[0..<8]))
        XCTAssertEqual(try progressRecord(key).completedRows, 8)
        XCTAssertEqual(try cacheEntries(), [key + ".lock", key + ".partial"], "no finished cache yet")

        let resumed = FakeFeatureExtractor(batchSize: 4)
        let (f, events) = try run(images, resumed)
        XCTAssertEqual(resumed.extractedPaths, Array(images[8...]), "only the remaining batches")
        XCTAssertEqual(resumed.calls, 4)
        XCTAssertTrue(events.contains(.started(key: key, done: 8, total: 22)))
        XCTAssertTrue(events.contains(.finished(key: key, extractedThisRun: 14, seconds: f.manifest.extractionSeconds)))
        XCTAssertEqual(values(f), try expectedFeatures(images, extractor: resumed))
        XCTAssertEqual(try cacheEntries(), [key, key + ".lock"])

        // Equal to an uninterrupted run, byte for byte.
        let other = FeatureCache(directory: root.appendingPathComponent("other"))
        let (g, _) = try run(images, FakeFeatureExtractor(batchSize: 4), cache: other)
        XCTAssertEqual(try Data(contentsOf: g.directory.appendingPathComponent("features.f32")),
                       try Data(contentsOf: f.directory.appendingPathComponent("features.f32")))
        XCTAssertEqual(g.manifest.featuresSHA256, f.manifest.featuresSHA256)
    }

    func testSeveralInterruptionsAndAChangedBatchSize() throws {
        let images = try makeImages(17)
        XCTAssertThrowsError(try run(images, FakeFeatureExtractor(batchSize: 3, failAfterBatches: 1)))
        XCTAssertThrowsError(try run(images, FakeFeatureExtractor(batchSize: 5, failAfterBatches: 1)))
        let last = FakeFeatureExtractor(batchSize: 4)
        let (f, _) = try run(images, last)
        XCTAssertEqual(last.extractedPaths, Array(images[8...]), "3 rows, then 5 rows were committed")
        XCTAssertEqual(values(f), try expectedFeatures(images, extractor: last))
    }

    func testFailureInTheFirstBatchLeavesNothingDone() throws {
        let images = try makeImages(5)
        XCTAssertThrowsError(try run(images, FakeFeatureExtractor(batchSize: 2, failAfterBatches: 0)))
        let again = FakeFeatureExtractor(batchSize: 2)
        let (f, events) = try run(images, again)
        XCTAssertEqual(again.extractedPaths, images)
        XCTAssertTrue(events.contains(.started(key: f.manifest.key, done: 0, total: 5)))
    }

    func testUnusablePartialFolderIsDiscardedWithAReason() throws {
        let images = try makeImages(9)
        let key = try FeatureCacheKey(imagePaths: images, identity: "fake-trunk/1", featureCount: 16).value
        let partial = cacheDir.appendingPathComponent(key + ".partial")
        let cases: [(String, (URL) throws -> Void)] = [
            ("progress.json does not decode", { try Data("{".utf8).write(to: $0.appendingPathComponent("progress.json")) }),
            ("progress.json is missing", { try FileManager.default.removeItem(at: $0.appendingPathComponent("progress.json")) }),
            ("features.f32 is 12 bytes", { try Data(count: 12).write(to: $0.appendingPathComponent("features.f32")) }),
        ]
        for (expectedReason, damage) in cases {
            try? FileManager.default.removeItem(at: cacheDir)
            XCTAssertThrowsError(try run(images, FakeFeatureExtractor(batchSize: 2, failAfterBatches: 2)))
            try damage(partial)
            let again = FakeFeatureExtractor(batchSize: 2)
            let (f, events) = try run(images, again)
            let reason = rebuildReason(events) ?? "none"
            XCTAssertTrue(reason.contains(expectedReason), "expected \(expectedReason), got \(reason)")
            XCTAssertEqual(again.extractedPaths, images, "started over")
            XCTAssertEqual(values(f), try expectedFeatures(images, extractor: again))
        }
    }

    func testProgressRecordForAnotherKeyIsNotTrusted() throws {
        let images = try makeImages(6)
        let key = try FeatureCacheKey(imagePaths: images, identity: "fake-trunk/1", featureCount: 16).value
        XCTAssertThrowsError(try run(images, FakeFeatureExtractor(batchSize: 2, failAfterBatches: 1)))
        var record = try progressRecord(key)
        record.completedRows = 7  // more rows than the data set has
        try JSONEncoder().encode(record).write(to: cacheDir.appendingPathComponent(key + ".partial/progress.json"))
        let again = FakeFeatureExtractor(batchSize: 2)
        let (_, events) = try run(images, again)
        XCTAssertTrue(rebuildReason(events)?.contains("does not match key") ?? false)
        XCTAssertEqual(again.extractedPaths, images)
    }

    func testCrashAfterTheLastBatchBeforeTheRenameExtractsNothing() throws {
        let images = try makeImages(6)
        let (f1, _) = try run(images, FakeFeatureExtractor(batchSize: 4))
        let key = f1.manifest.key
        let partial = cacheDir.appendingPathComponent(key + ".partial")
        // Recreate the state of a process killed after its last commit, before finalising.
        try FileManager.default.moveItem(at: f1.directory, to: partial)
        try FileManager.default.removeItem(at: partial.appendingPathComponent("manifest.json"))
        let record = FeatureCacheProgressRecord(formatVersion: 1, key: key, imageCount: 6, featureCount: 16,
                                                completedRows: 6, extractionSeconds: 1.5)
        try JSONEncoder().encode(record).write(to: partial.appendingPathComponent("progress.json"))

        let again = FakeFeatureExtractor(batchSize: 4)
        let (f2, events) = try run(images, again)
        XCTAssertEqual(again.calls, 0)
        XCTAssertEqual(events, [.started(key: key, done: 6, total: 6),
                                .finished(key: key, extractedThisRun: 0, seconds: 1.5)])
        XCTAssertEqual(values(f2), try expectedFeatures(images, extractor: again))
        XCTAssertEqual(f2.manifest.featuresSHA256, f1.manifest.featuresSHA256)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: f2.directory.path).sorted(),
                       ["features.f32", "manifest.json"])
    }
}
