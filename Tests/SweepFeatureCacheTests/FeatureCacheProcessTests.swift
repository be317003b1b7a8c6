import Foundation
import XCTest
import SweepData
@testable import SweepFeatureCache
import SweepTestSupport

/// Real processes running `sweep-cache-testhelper`: a SIGKILL halfway, and two at once.
final class FeatureCacheProcessTests: FeatureCacheTestCase {
    /// The helper binary, built beside the test bundle (SweepDataTests depends on it).
    var helper: URL {
        #if os(macOS)
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            return bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("sweep-cache-testhelper")
        }
        #endif
        return Bundle.main.bundleURL.appendingPathComponent("sweep-cache-testhelper")
    }

    func launch(cache: URL, batch: Int, delay: Double) throws -> (Process, Pipe, Pipe) {
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: helper.path), "missing \(helper.path)")
        let p = Process()
        p.executableURL = helper
        p.arguments = [cache.path, root.appendingPathComponent("images").path, String(batch), String(delay)]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        return (p, out, err)
    }

    func finish(_ launched: (Process, Pipe, Pipe)) -> (status: Int32, stdout: String, stderr: String) {
        let (p, out, err) = launched
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    func completedRows(_ key: String) -> Int? {
        let url = cacheDir.appendingPathComponent(key + ".partial/progress.json")
        guard let data = try? Data(contentsOf: url) else { return nil }
        return (try? JSONDecoder().decode(FeatureCacheProgressRecord.self, from: data))?.completedRows
    }

    func testSIGKILLHalfwayThenResumeEqualsAnUninterruptedRun() throws {
        let images = try makeImages(40)
        let key = try FeatureCacheKey(imagePaths: images, identity: "fake-trunk/1", featureCount: 16).value
        let (p, _, _) = try launch(cache: cacheDir, batch: 4, delay: 0.2)
        let deadline = Date().addingTimeInterval(60)
        while (completedRows(key) ?? 0) < 8 && p.isRunning && Date() < deadline { usleep(5_000) }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationReason, .uncaughtSignal)
        XCTAssertEqual(p.terminationStatus, SIGKILL)

        let committed = try XCTUnwrap(completedRows(key))
        XCTAssertGreaterThanOrEqual(committed, 8)
        XCTAssertLessThan(committed, 40, "helper finished before the kill; the test proves nothing")
        XCTAssertEqual(committed % 4, 0, "whole batches only")
        XCTAssertFalse(FileManager.default.fileExists(atPath: cacheDir.appendingPathComponent(key).path))

        // Resume in this process; the dead helper's flock must be gone.
        let resumed = FakeFeatureExtractor(batchSize: 4)
        let (f, events) = try run(images, resumed)
        XCTAssertEqual(resumed.extractedPaths, Array(images[committed...]))
        XCTAssertTrue(events.contains(.started(key: key, done: committed, total: 40)))
        XCTAssertEqual(values(f), try expectedFeatures(images, extractor: resumed))

        // An uninterrupted run by the helper gives the same bytes.
        let clean = root.appendingPathComponent("clean-cache")
        let result = finish(try launch(cache: clean, batch: 4, delay: 0))
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "extracted 40 rows 40\n")
        XCTAssertEqual(try Data(contentsOf: clean.appendingPathComponent(key + "/features.f32")),
                       try Data(contentsOf: f.directory.appendingPathComponent("features.f32")))
    }

    func testTwoProcessesExtractOnce() throws {
        let images = try makeImages(16)
        let first = try launch(cache: cacheDir, batch: 2, delay: 0.05)
        let second = try launch(cache: cacheDir, batch: 2, delay: 0.05)
        let results = [finish(first), finish(second)]
        var extracted = 0
        for r in results {
            XCTAssertEqual(r.status, 0, r.stderr)
            let fields = r.stdout.split(separator: " ")
            XCTAssertEqual(fields.count, 4, r.stdout)
            XCTAssertEqual(fields.last, "16\n")
            extracted += Int(fields[1]) ?? -1
        }
        XCTAssertEqual(extracted, 16, "one process extracted, the other read its cache")
        let again = FakeFeatureExtractor(batchSize: 2)
        let (f, _) = try run(images, again)
        XCTAssertEqual(again.calls, 0)
        XCTAssertEqual(values(f), try expectedFeatures(images, extractor: again))
    }
}
