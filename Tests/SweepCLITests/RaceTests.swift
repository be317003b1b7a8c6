import Foundation
import XCTest

/// `race: true` end to end on the built binary: 4 configurations x 4 repeats raced (4 runs of
/// round 1, then 2, then the winner's last 2: 8 of 16), leaderboard.csv's race columns, the
/// decisions in the log; a race killed (SIGKILL) mid-way and run again ends with the same runs,
/// each once.
final class RaceTests: CLITestCase {
    func raceFile(_ name: String) -> SweepFileText {
        var file = sweepFile(name)
        file.epochs = 2
        file.workers = 2
        file.grid = [("lr", "[0.03, 0.01, 0.001, 0.0003]")]
        file.extra = ["repeats: 4", "race: true", "refit: false"]
        return file
    }

    /// leaderboard.csv as rows keyed by column.
    func board(_ folder: URL) throws -> [[String: String]] {
        let records = try CSV.records(String(contentsOf: folder.appendingPathComponent("leaderboard.csv"), encoding: .utf8))
        let header = records.first ?? []
        return records.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }

    /// The race's rows agree with the records: runs per configuration, 8 runs in all, a finished
    /// winner ranked first, the others raced out after round 1 (two) or 2 (one).
    func assertRaced(_ folder: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        let trials = try TrialsFile.read(folder)
        XCTAssertEqual(trials.records.count, 8, "8 of the 16 runs", file: file, line: line)
        XCTAssertEqual(Set(trials.ids).count, 8, "no run twice", file: file, line: line)
        let rows = try board(folder)
        XCTAssertEqual(rows.count, 4, file: file, line: line)
        XCTAssertEqual(rows.map { $0["runs"] ?? "" }, ["4", "2", "1", "1"], "\(rows)", file: file, line: line)
        XCTAssertEqual(rows.map { $0["race_out_round"] ?? "?" }, ["", "2", "1", "1"], file: file, line: line)
        XCTAssertEqual(rows[0]["race"], "finished", file: file, line: line)
        for row in rows.dropFirst() {
            let text = row["race"] ?? ""
            XCTAssertTrue(text.hasPrefix("raced out after round \(row["race_out_round"] ?? "?") (mean "), text, file: file, line: line)
            // the mean it shows is its runs' mean, under the cut
            let numbers = text.split(separator: " ").compactMap { Double($0.trimmingCharacters(in: CharacterSet(charactersIn: "()"))) }
            XCTAssertEqual(numbers.count, 4, text, file: file, line: line)  // round, mean, cut, runs
            XCTAssertEqual(numbers.last.map { Int($0) }.map(String.init), row["runs"], text, file: file, line: line)
            if numbers.count == 4, let mean = Double(row["objective_mean"] ?? "") {
                XCTAssertEqual(numbers[1], mean, accuracy: 1e-3 * max(1, abs(mean)), text, file: file, line: line)
                XCTAssertLessThanOrEqual(numbers[1], numbers[2], text, file: file, line: line)
            }
        }
    }

    func testRaceGivesRunsInRoundsAndSaysWhyEachStopped() throws {
        let sweep = try write(raceFile("race"), to: "race.yaml")
        let dry = try run(["run", sweep, "--dry-run"], timeout: 120)
        assertExit(dry, 0, "dry run")
        XCTAssertTrue(dry.stdout.contains("raced: successive halving over the 4 runs of each configuration, 8 of the 16 runs in all"),
                      dry.stdout)
        let outcome = try run(["run", sweep], timeout: 600)
        assertExit(outcome, 0, "race run")
        let folder = resultsFolder("race")
        try assertRaced(folder)
        XCTAssertTrue(outcome.stderr.contains("race: after round 1 (1 run(s) each) the best 2 of 4 go on, cut: mean "), outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("race: after round 2 (2 run(s) each) the best 1 of 2 go on"), outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("; 8 of 16 runs given"), outcome.stderr)
        let again = try run(["run", sweep])
        assertExit(again, 0, "second run")
        XCTAssertTrue(again.stderr.contains("nothing to do: the race of race is finished"), again.stderr)
    }

    /// Killed after its first records, run again: the records of the first run are kept, the
    /// race goes on from them and ends as a race never stopped would (8 runs, each once, the rows
    /// consistent), and a `race: true` without repeats or folds is refused at its line.
    func testKilledRaceResumesFromTrialsJSONL() throws {
        let sweep = try write(raceFile("killed"), to: "killed.yaml")
        let folder = resultsFolder("killed")
        let first = try start(["run", sweep])
        XCTAssertTrue(waitUntil(timeout: 300) {
            ((try? TrialsFile.read(folder))?.records.count ?? 0) >= 3 || !first.isRunning
        }, "no run finished in time; stderr:\n\(first.stderrSoFar)")
        first.send(SIGKILL)
        _ = try first.wait(timeout: 60)
        let before = try TrialsFile.read(folder).ids
        XCTAssertLessThan(before.count, 8, "the race finished before the kill")
        let again = try run(["run", sweep], timeout: 600)
        assertExit(again, 0, "run after SIGKILL")
        XCTAssertTrue(again.stderr.contains("resuming: \(before.count) of 8 trials already finished"), again.stderr)
        let after = try TrialsFile.read(folder).ids
        XCTAssertEqual(Array(after.prefix(before.count)), before, "the first run's records kept")
        try assertRaced(folder)

        var bad = raceFile("bad")
        bad.extra = ["race: true"]
        let refused = try run(["run", try write(bad, to: "bad.yaml")])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("bad.yaml:"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("race: races configurations over their runs: needs repeats > 1 or data.folds > 1"),
                      refused.stderr)
    }
}
