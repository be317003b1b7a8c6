import Foundation
import XCTest

/// A test that runs the `sweep` binary in its own temporary working directory (sweep-file
/// paths are relative to it), against the shared tiny data set.
class CLITestCase: XCTestCase {
    var binary = ""
    var dataSet = SharedDataSet(dataPath: "", cachePath: "", images: [])
    /// The test's temporary folder: `work/` (the working directory) and `logs/`.
    var root = URL(fileURLWithPath: "/nonexistent")
    var work: URL { root.appendingPathComponent("work") }
    var logs: URL { root.appendingPathComponent("logs") }

    override func setUpWithError() throws {
        binary = try SweepBinary.path()
        dataSet = try SharedDataSet.shared.get()
        root = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if ProcessInfo.processInfo.environment["SWEEP_KEEP_TEST_DIRS"] == nil {
            try? FileManager.default.removeItem(at: root)
        } else {
            print("kept \(root.path)")
        }
    }

    /// An environment in which the ImageNet weights are never found (torch caches pointed at
    /// folders that do not exist), so `weights: imagenet` falls back to random weights.
    static func noImageNet(under folder: URL) -> [String: String] {
        let nowhere = folder.appendingPathComponent("no-torch-cache").path
        return ["TORCH_HOME": nowhere, "XDG_CACHE_HOME": nowhere, "HOME": nowhere]
    }

    /// Starts `sweep arguments…` in `work/`.
    func start(_ arguments: [String]) throws -> BinaryRun {
        try BinaryRun(binary: binary, arguments: arguments, in: work, logs: logs, environment: Self.noImageNet(under: root))
    }

    /// Runs `sweep arguments…` in `work/` to the end (at most `timeout` seconds).
    func run(_ arguments: [String], timeout: TimeInterval = 300) throws -> Outcome {
        try start(arguments).wait(timeout: timeout)
    }

    /// A sweep file on the shared data set.
    func sweepFile(_ name: String) -> SweepFileText {
        SweepFileText(name: name, dataPath: dataSet.dataPath, cachePath: dataSet.cachePath)
    }

    /// Writes `file` to `work/<fileName>` and returns `fileName`.
    @discardableResult
    func write(_ file: SweepFileText, to fileName: String) throws -> String {
        try file.text.write(to: work.appendingPathComponent(fileName), atomically: true, encoding: .utf8)
        return fileName
    }

    /// `work/results/<name>` (or `work/<results>/<name>`).
    func resultsFolder(_ name: String, results: String = "results") -> URL {
        work.appendingPathComponent(results).appendingPathComponent(name)
    }

    /// Fails unless `outcome` exited with `status`.
    func assertExit(_ outcome: Outcome, _ status: Int32, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(outcome.signaled, "\(what): killed by \(outcome.statusText)\nstderr:\n\(outcome.stderr)", file: file, line: line)
        XCTAssertEqual(outcome.status, status, "\(what): \(outcome.statusText)\nstdout:\n\(outcome.stdout)\nstderr:\n\(outcome.stderr)",
                       file: file, line: line)
    }

    /// The trial ids `sweep run FILE --dry-run` lists, in plan order.
    func plannedIDs(_ sweepFile: String, _ extra: [String] = []) throws -> [String] {
        let dry = try run(["run", sweepFile, "--dry-run"] + extra, timeout: 120)
        assertExit(dry, 0, "dry run")
        // Rows: "<n>  <12 hex id>  values…" after the header row "#  id  …".
        return dry.stdout.split(separator: "\n").compactMap { line -> String? in
            let cells = line.split(separator: " ", omittingEmptySubsequences: true)
            guard cells.count >= 2, Int(cells[0]) != nil, cells[1].count == 12,
                  cells[1].allSatisfy(\.isHexDigit) else { return nil }
            return String(cells[1])
        }
    }
}
