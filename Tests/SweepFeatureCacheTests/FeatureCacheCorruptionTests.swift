import Foundation
import XCTest
import SweepData
@testable import SweepFeatureCache
import SweepTestSupport

/// A damaged finished cache is detected, reported with its reason, and rebuilt.
final class FeatureCacheCorruptionTests: FeatureCacheTestCase {
    /// Builds a cache, damages it, runs again; returns the rebuild reason after checking that the
    /// damage was repaired by a full extraction and that `open(key:)` refused the damaged cache.
    func rebuildReason(after damage: (URL) throws -> Void, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let images = try makeImages(7)
        let (f1, _) = try run(images, FakeFeatureExtractor(batchSize: 3))
        let key = f1.manifest.key
        let folder = f1.directory
        try damage(folder)
        XCTAssertThrowsError(try FeatureCache(directory: cacheDir).open(key: key), "damaged cache opened", file: file, line: line)

        let again = FakeFeatureExtractor(batchSize: 3)
        let (f2, events) = try run(images, again)
        XCTAssertEqual(again.extractedPaths, images, "rebuilt from scratch", file: file, line: line)
        XCTAssertEqual(values(f2), try expectedFeatures(images, extractor: again), file: file, line: line)
        XCTAssertNoThrow(try FeatureCache(directory: cacheDir).open(key: key), file: file, line: line)
        XCTAssertEqual(try cacheEntries(), [key, key + ".lock"], "no discarded folder left", file: file, line: line)
        return rebuildReason(events) ?? "no rebuild event"
    }

    func editManifest(_ folder: URL, _ edit: (inout [String: Any]) -> Void) throws {
        let url = folder.appendingPathComponent("manifest.json")
        var json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        edit(&json)
        try JSONSerialization.data(withJSONObject: json).write(to: url)
    }

    func testFlippedByteInFeaturesFile() throws {
        let reason = try rebuildReason { folder in
            let url = folder.appendingPathComponent("features.f32")
            var data = try Data(contentsOf: url)
            data[100] ^= 0x40
            try data.write(to: url)
        }
        XCTAssertTrue(reason.contains("features.f32 SHA-256"), reason)
    }

    func testTruncatedFeaturesFile() throws {
        let reason = try rebuildReason { folder in
            let url = folder.appendingPathComponent("features.f32")
            try Data(try Data(contentsOf: url).prefix(200)).write(to: url)
        }
        XCTAssertTrue(reason.contains("features.f32 is 200 bytes, manifest says 448"), reason)
    }

    func testMissingFeaturesFile() throws {
        let reason = try rebuildReason { try FileManager.default.removeItem(at: $0.appendingPathComponent("features.f32")) }
        XCTAssertTrue(reason.contains("features.f32 is missing"), reason)
    }

    func testEditedIdentityInManifest() throws {
        let reason = try rebuildReason { try editManifest($0) { $0["identity"] = "someone else" } }
        XCTAssertTrue(reason.contains("identity \"someone else\""), reason)
    }

    func testEditedImageCountInManifest() throws {
        let reason = try rebuildReason { try editManifest($0) { $0["imageCount"] = 6 } }
        XCTAssertTrue(reason.contains("N=6"), reason)
    }

    func testEditedFeatureCountAndSizeInManifest() throws {
        // Consistent with itself (8 * 7 * 4 bytes), but not with the extractor.
        let reason = try rebuildReason { try editManifest($0) { $0["featureCount"] = 8; $0["featuresByteSize"] = 224 } }
        XCTAssertTrue(reason.contains("D=8"), reason)
    }

    func testEditedImageHashInManifest() throws {
        let reason = try rebuildReason { try editManifest($0) { json in
            var hashes = json["imageHashes"] as? [String] ?? []
            hashes[2] = String(repeating: "a", count: 64)
            json["imageHashes"] = hashes
        } }
        XCTAssertTrue(reason.contains("hash of image 2"), reason)
    }

    func testEditedChecksumInManifest() throws {
        let reason = try rebuildReason { try editManifest($0) { $0["featuresSHA256"] = String(repeating: "0", count: 64) } }
        XCTAssertTrue(reason.contains("SHA-256"), reason)
    }

    func testGarbledAndMissingManifest() throws {
        let garbled = try rebuildReason { try Data("not json".utf8).write(to: $0.appendingPathComponent("manifest.json")) }
        XCTAssertTrue(garbled.contains("manifest.json does not decode"), garbled)
        try tearDownWithError(); try setUpWithError()
        let missing = try rebuildReason { try FileManager.default.removeItem(at: $0.appendingPathComponent("manifest.json")) }
        XCTAssertTrue(missing.contains("manifest.json is missing"), missing)
    }

    func testOpenByKeyRejectsAManifestWhoseFieldsDoNotHashToTheKey() throws {
        // Without a request to compare against, the manifest must still hash to its folder's key.
        let images = try makeImages(4)
        let (f, _) = try run(images, FakeFeatureExtractor())
        try editManifest(f.directory) { $0["identity"] = "other" }
        XCTAssertThrowsError(try FeatureCache(directory: cacheDir).open(key: f.manifest.key)) { error in
            XCTAssertTrue("\(error)".contains("hash to"), "\(error)")
        }
    }
}
