import Foundation
import XCTest

/// Issue 9 end to end: random and TPE searches over distributions, the ASHA pruner, and a random
/// search killed (SIGKILL) mid-run that resumes the same sequence.
final class SearchTests: CLITestCase {
    func randomFile(_ name: String, trials: Int, epochs: Int) -> SweepFileText {
        var file = sweepFile(name)
        file.epochs = epochs
        file.workers = 1
        file.grid = [("lr", "{log_uniform: [0.0001, 0.1]}"), ("dropout", "{uniform: [0.0, 0.5]}"), ("depth", "{int: [0, 2]}")]
        file.extra = ["search: {method: random, trials: \(trials), seed: 7}"]
        return file
    }

    /// `--dry-run` shows the space and the trials; a run killed with SIGKILL after its first
    /// records, run again, ends with exactly the planned trials (none rerun, none skipped).
    func testRandomSearchResumesTheSameSequenceAfterSIGKILL() throws {
        let sweep = try write(randomFile("rand", trials: 5, epochs: 60), to: "rand.yaml")
        let dry = try run(["run", sweep, "--dry-run"], timeout: 120)
        assertExit(dry, 0, "dry run")
        XCTAssertTrue(dry.stdout.contains("5 trials drawn at random (seed 7) from lr {log_uniform: [0.0001, 0.1]}"), dry.stdout)
        XCTAssertTrue(dry.stdout.contains("space: lr {log_uniform: [0.0001, 0.1]}, dropout {uniform: [0, 0.5]}, depth {int: [0, 2]}"),
                      dry.stdout)
        let planned = try plannedIDs(sweep)
        XCTAssertEqual(planned.count, 5)
        XCTAssertEqual(try plannedIDs(sweep), planned, "the same draws every time")

        let folder = resultsFolder("rand")
        let first = try start(["run", sweep])
        XCTAssertTrue(waitUntil(timeout: 240) {
            ((try? TrialsFile.read(folder))?.records.count ?? 0) >= 2 || !first.isRunning
        }, "no trial finished in time; stderr:\n\(first.stderrSoFar)")
        first.send(SIGKILL)
        _ = try first.wait(timeout: 60)
        let before = try TrialsFile.read(folder).ids
        XCTAssertLessThan(before.count, 5, "the search finished before the kill")
        XCTAssertEqual(before, Array(planned.prefix(before.count)), "trials run in draw order (one worker)")

        let again = try run(["run", sweep])
        assertExit(again, 0, "run after SIGKILL")
        XCTAssertTrue(again.stderr.contains("resuming: \(before.count) of 5 trials already finished"), again.stderr)
        let after = try TrialsFile.read(folder)
        XCTAssertEqual(after.ids.sorted(), planned.sorted(), "the planned draws, each once")
        XCTAssertEqual(Array(after.ids.prefix(before.count)), before)
        for r in after.records {
            let lr = r["parameters"]?["lr"]?.number ?? -1, dropout = r["parameters"]?["dropout"]?.number ?? -1
            XCTAssertTrue(lr >= 1e-4 && lr <= 0.1, "lr \(lr)")
            XCTAssertTrue(dropout >= 0 && dropout <= 0.5, "dropout \(dropout)")
        }
    }

    /// TPE after its 10 random trials proposes the rest from the records; ASHA stops trials at
    /// their rungs: recorded `pruned` with the epochs they ran and the decision (rung and numbers),
    /// ranked below every complete trial. A second run has nothing to do.
    func testTPEWithASHAPrunedTrialsAreRecorded() throws {
        var file = randomFile("tpe", trials: 14, epochs: 9)
        file.workers = 2
        file.extra = ["search: {method: tpe, trials: 14, seed: 3}", "pruner: {method: asha, min_resource: 1, reduction_factor: 3}"]
        let sweep = try write(file, to: "tpe.yaml")
        let dry = try run(["run", sweep, "--dry-run"], timeout: 120)
        assertExit(dry, 0, "dry run")
        XCTAssertTrue(dry.stdout.contains("TPE proposes the other 4 from the recorded results"), dry.stdout)
        XCTAssertTrue(dry.stdout.contains("pruner: asha (rungs at epochs 1 × 3^r; the top 1/3 go on)"), dry.stdout)
        let startup = try plannedIDs(sweep)
        XCTAssertEqual(startup.count, 10)

        let outcome = try run(["run", sweep], timeout: 600)
        assertExit(outcome, 0, "tpe run")
        let folder = resultsFolder("tpe")
        let trials = try TrialsFile.read(folder)
        XCTAssertEqual(trials.records.count, 14)
        XCTAssertEqual(Set(trials.ids).count, 14)
        XCTAssertEqual(Set(trials.ids).subtracting(startup).count, 4, "4 trials proposed by TPE")
        let pruned = trials.records.filter { $0.state == "pruned" }
        XCTAssertFalse(pruned.isEmpty, "ASHA pruned nothing:\n\(outcome.stderr)")
        for r in pruned {
            XCTAssertLessThan(r.epochs.count, 9)
            XCTAssertGreaterThan(r.epochs.count, 0)
            let reason = r["failure"]?["reason"]?.string ?? ""
            XCTAssertTrue(reason.hasPrefix("pruned by asha after \(r.epochs.count) epoch(s) at rung "), reason)
            XCTAssertTrue(reason.contains("is not in the top"), reason)
            // the record says where it stopped: the epochs it ran and the rung named in the reason
            XCTAssertEqual(r["pruned"]?["method"]?.string, "asha")
            XCTAssertEqual(r["pruned"]?["epochs"]?.number, Double(r.epochs.count))
            let rung = r["pruned"]?["rung"]?.number.map { Int($0) } ?? -1
            XCTAssertTrue(reason.contains("at rung \(rung):"), "rung \(rung): \(reason)")
        }
        XCTAssertTrue(outcome.stderr.contains("pruned by asha after"), outcome.stderr)
        let states = try LeaderboardFile.read(folder).rows.map { $0["state"] ?? "" }
        let lastComplete = states.lastIndex(of: "complete") ?? -1, firstPruned = states.firstIndex(of: "pruned") ?? Int.max
        XCTAssertLessThan(lastComplete, firstPruned, "pruned trials rank below complete ones: \(states)")

        let again = try run(["run", sweep])
        assertExit(again, 0, "second run")
        XCTAssertTrue(again.stderr.contains("nothing to do"), again.stderr)
        XCTAssertEqual(try TrialsFile.read(folder).raw, trials.raw)
    }
}
