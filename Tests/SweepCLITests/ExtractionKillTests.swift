import Foundation
import XCTest

/// Issue 3: kill the feature extraction of `sweep run` (SIGKILL) halfway, run again: it resumes
/// without redoing the committed batches, and the features equal an uninterrupted run's.
final class ExtractionKillTests: CLITestCase {
    /// Rows committed in the partial cache folder under `cache`, if one exists.
    func committedRows(in cache: URL) -> Int? {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: cache.path) else { return nil }
        for name in names where name.hasSuffix(".partial") {
            let progress = cache.appendingPathComponent(name).appendingPathComponent("progress.json")
            guard let data = try? Data(contentsOf: progress),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let rows = object["completedRows"] as? Int else { continue }
            return rows
        }
        return nil
    }

    /// The finished cache's features file under `cache` (one key).
    func featuresFile(in cache: URL) throws -> Data {
        let names = try FileManager.default.contentsOfDirectory(atPath: cache.path)
        let keys = names.filter { !$0.contains(".") }
        XCTAssertEqual(keys.count, 1, "cache folders: \(names)")
        return try Data(contentsOf: cache.appendingPathComponent(keys.first ?? "-").appendingPathComponent("features.f32"))
    }

    func testKilledExtractionResumesAndEqualsAnUninterruptedRun() throws {
        let images = 150  // three cache batches of 64, 64, 22
        assertExit(try run(["data", "synth", "data", "--images", "\(images)", "--seed", "5"], timeout: 300), 0, "synth")
        let dataPath = work.appendingPathComponent("data").path
        func sweep(_ name: String, cache: String) throws -> String {
            var file = SweepFileText(name: name, dataPath: dataPath, cachePath: work.appendingPathComponent(cache).path)
            file.epochs = 1
            file.grid = [("lr", "[0.001]")]
            file.workers = 1
            return try write(file, to: "\(name).yaml")
        }
        let killed = try sweep("killed", cache: "cache-killed")
        let cache = work.appendingPathComponent("cache-killed")

        // Kill the run once one batch (64 rows) is committed and before the last one is.
        let first = try start(["run", killed])
        var seen: Int?
        XCTAssertTrue(waitUntil(timeout: 240) {
            seen = committedRows(in: cache)
            return (seen ?? 0) >= 64 || !first.isRunning
        }, "no batch committed in time; stderr:\n\(first.stderrSoFar)")
        first.send(SIGKILL)
        let outcome = try first.wait(timeout: 60)
        XCTAssertTrue(outcome.signaled, "the run ended by itself before the kill: \(outcome.statusText)")
        let committed = try XCTUnwrap(committedRows(in: cache), "no partial cache left after the kill")
        XCTAssertGreaterThanOrEqual(committed, 64)
        XCTAssertLessThan(committed, images, "the whole extraction finished before the kill")

        // The rerun resumes after the committed rows and finishes the sweep.
        let rerun = try run(["run", killed])
        assertExit(rerun, 0, "rerun after SIGKILL")
        XCTAssertTrue(rerun.stderr.contains("resuming after \(committed) already done"), rerun.stderr)
        let resumed = try featuresFile(in: cache)
        XCTAssertEqual(resumed.count, images * 2048 * 4)

        // An uninterrupted extraction into another cache gives the same bytes.
        let reference = try sweep("reference", cache: "cache-reference")
        assertExit(try run(["run", reference]), 0, "uninterrupted run")
        XCTAssertEqual(try featuresFile(in: work.appendingPathComponent("cache-reference")), resumed)
    }
}
