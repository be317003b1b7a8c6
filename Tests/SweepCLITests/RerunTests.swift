import Foundation
import XCTest

/// `sweep run --rerun`: finished trials named by state or id run again, the others are kept.
final class RerunTests: CLITestCase {
    /// `--rerun diverged` reruns the diverged trial only; `--rerun <id prefix>` reruns that
    /// trial and gets the same record (training is deterministic); the new records are appended
    /// and win; bad values are refused before any work.
    func testRerunByStateAndByIdKeepsTheOthers() throws {
        var file = sweepFile("again")
        file.epochs = 3
        file.grid = [("lr", "[0.001, 0.01, 10.0]")]
        let sweep = try write(file, to: "again.yaml")
        assertExit(try run(["run", sweep]), 0, "first run")
        let folder = resultsFolder("again")
        let first = try TrialsFile.read(folder)
        XCTAssertEqual(first.records.map(\.state).sorted(), ["complete", "complete", "diverged"])
        let diverged = try XCTUnwrap(first.records.first { $0.state == "diverged" }).id

        // --dry-run plans what --rerun would run again, and writes nothing
        let dry = try run(["run", sweep, "--rerun", "diverged", "--dry-run"])
        assertExit(dry, 0, "--rerun diverged --dry-run")
        XCTAssertTrue(dry.stdout.contains("already finished: 2 of 3"), dry.stdout)
        XCTAssertEqual(try TrialsFile.read(folder).raw, first.raw)

        let byState = try run(["run", sweep, "--rerun", "diverged"])
        assertExit(byState, 0, "--rerun diverged")
        XCTAssertTrue(byState.stderr.contains("rerun: 1 finished trial(s) will run again"), byState.stderr)
        XCTAssertTrue(byState.stderr.contains("resuming: 2 of 3 trials already finished"), byState.stderr)
        let second = try TrialsFile.read(folder)
        XCTAssertEqual(second.ids, first.ids + [diverged], "one new record, appended")
        XCTAssertEqual(second.raw.prefix(first.raw.count), first.raw, "the earlier records are untouched")
        XCTAssertEqual(try LeaderboardFile.read(folder).rows.count, 3, "one row per trial")

        // By id prefix: a complete trial reruns to the same record.
        let complete = try XCTUnwrap(first.records.first { $0.state == "complete" })
        let byID = try run(["run", sweep, "--rerun", String(complete.id.prefix(6))])
        assertExit(byID, 0, "--rerun ID")
        let third = try TrialsFile.read(folder)
        XCTAssertEqual(third.ids, second.ids + [complete.id])
        XCTAssertEqual(try XCTUnwrap(third.records.last).reproducible, complete.reproducible, "same settings, same result")
        let board = try LeaderboardFile.read(folder)
        XCTAssertEqual(board.rows.count, 3)
        let best = try FileManager.default.destinationOfSymbolicLink(atPath: folder.appendingPathComponent("best").path)
        XCTAssertEqual(best, "checkpoints/" + (board.rows.first?["id"] ?? "?"))

        // Refused before any work, the results untouched.
        let bogus = try run(["run", sweep, "--rerun", "bogus"])
        assertExit(bogus, 1, "--rerun bogus")
        XCTAssertTrue(bogus.stderr.contains("'bogus' is not all, a trial state"), bogus.stderr)
        let unknown = try run(["run", sweep, "--rerun", "0000ffff"])
        assertExit(unknown, 1, "--rerun unknown id")
        XCTAssertTrue(unknown.stderr.contains("no trial of sweep 'again' has id '0000ffff'"), unknown.stderr)
        XCTAssertEqual(try TrialsFile.read(folder).raw, third.raw)

        let plain = try run(["run", sweep])
        assertExit(plain, 0, "plain run")
        XCTAssertTrue(plain.stderr.contains("nothing to do"), plain.stderr)
    }

    /// A trial that failed (over its time limit) stays failed on a plain rerun; after the cause
    /// is fixed (`--set trial_timeout=600`, not part of the id), `--rerun failed` runs it again
    /// and its new record, complete, replaces it in the leaderboard and makes `best`.
    func testRerunFailedAfterTheCauseIsFixed() throws {
        var file = sweepFile("flaky")
        file.epochs = 120   // several seconds: over a 1 s limit
        file.grid = [("lr", "[0.001]")]
        file.workers = 1
        file.retries = 0
        file.trialTimeout = 1
        let sweep = try write(file, to: "flaky.yaml")
        assertExit(try run(["run", sweep]), 0, "run with a trial over the time limit")
        let folder = resultsFolder("flaky")
        XCTAssertEqual(try TrialsFile.read(folder).records.map(\.state), ["failed"])
        let plain = try run(["run", sweep, "--set", "trial_timeout=600"])
        XCTAssertTrue(plain.stderr.contains("nothing to do"), "failed trials are finished:\n\(plain.stderr)")

        let again = try run(["run", sweep, "--set", "trial_timeout=600", "--rerun", "failed"])
        assertExit(again, 0, "--rerun failed")
        let trials = try TrialsFile.read(folder)
        XCTAssertEqual(trials.records.map(\.state), ["failed", "complete"])
        XCTAssertEqual(Set(trials.ids).count, 1, "the same trial")
        XCTAssertEqual(try LeaderboardFile.read(folder).rows.map { $0["state"] }, ["complete"])
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: folder.appendingPathComponent("best").path),
                       "checkpoints/" + trials.ids[0])
        XCTAssertTrue(again.stdout.contains("1/1 trials finished, 1 complete"), again.stdout)
    }

    /// `--rerun` and `--allow-failing-plugins` are documented in `sweep run --help`.
    func testHelpDocumentsRerunAndThePluginGate() throws {
        let help = try run(["run", "--help"], timeout: 60)
        assertExit(help, 0, "run --help")
        for text in ["--rerun", "failed|diverged|all|ID", "--allow-failing-plugins", "shared suite"] {
            XCTAssertTrue(help.stdout.contains(text), "\(text) not in:\n\(help.stdout)")
        }
    }

    /// A `--rerun all` stopped half-way keeps every trial in the leaderboard and `best` on the
    /// top trial (the old records count until new ones replace them), and says so.
    func testAnInterruptedRerunKeepsTheLeaderboardAndBest() throws {
        var file = sweepFile("halfway")
        file.epochs = 40
        file.depth = 2
        file.grid = [("lr", "[0.0001, 0.001, 0.01]"), ("dropout", "[0.0, 0.5]")]
        let sweep = try write(file, to: "halfway.yaml")
        assertExit(try run(["run", sweep]), 0, "first run")
        let folder = resultsFolder("halfway")
        let board = try String(contentsOf: folder.appendingPathComponent("leaderboard.csv"), encoding: .utf8)
        let best = try FileManager.default.destinationOfSymbolicLink(atPath: folder.appendingPathComponent("best").path)
        let trialsPath = folder.appendingPathComponent("trials.jsonl").path
        let before = try TrialsFile.read(folder).raw.count

        let rerun = try start(["run", sweep, "--rerun", "all"])
        _ = waitUntil(timeout: 300) {
            ((try? String(contentsOfFile: trialsPath, encoding: .utf8))?.count ?? 0) > before || !rerun.isRunning
        }
        rerun.send(SIGINT)
        let stopped = try rerun.wait(timeout: 120)
        let again = try TrialsFile.read(folder)
        XCTAssertEqual(Set(again.ids).count, 6)
        XCTAssertEqual(try String(contentsOf: folder.appendingPathComponent("leaderboard.csv"), encoding: .utf8), board,
                       "the leaderboard lost or changed trials")
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: folder.appendingPathComponent("best").path), best)
        if stopped.status == 130 {
            XCTAssertTrue(stopped.stderr.contains("named by --rerun did not run again and keep their earlier records"), stopped.stderr)
        }
    }
}

/// Plugins through the binary: the whole-batch example loss trains in a sweep, and the code
/// identity of a user plugin is recorded with the trials that use it (only those).
final class PluginSweepTests: CLITestCase {
    func testSoftF1SweepTrainsAndRecordsItsCodeIdentity() throws {
        var file = sweepFile("softf1")
        file.epochs = 5
        file.lr = "0.01"
        file.loss = "bce"   // no pos_weight: soft_f1 has no such parameter
        file.grid = [("loss", "[bce, soft_f1]")]
        let sweep = try write(file, to: "softf1.yaml")
        let validate = try run(["validate", sweep], timeout: 120)
        assertExit(validate, 0, "validate runs the suite on bce, soft_f1, f1_samples, roc_auc_samples")
        assertExit(try run(["run", sweep]), 0, "run")
        let trials = try TrialsFile.read(resultsFolder("softf1"))
        XCTAssertEqual(trials.records.count, 2)
        let listing = try run(["plugins"], timeout: 60)
        for r in trials.records {
            XCTAssertEqual(r.state, "complete", r.id)
            let loss = r["config"]?["train"]?["loss"]?["name"]?.string
            let code = r["config"]?["plugin_code"]
            if loss == "soft_f1" {
                let identity = try XCTUnwrap(code?["soft_f1"]?.string)
                XCTAssertTrue(listing.stdout.contains("code " + identity.prefix(19)), "\(identity) vs:\n\(listing.stdout)")
                let losses = r.epochs.compactMap { $0["train"]?["loss"]?.number }
                XCTAssertEqual(losses.count, 5)
                XCTAssertTrue(losses.allSatisfy { $0 >= 0 && $0 <= 1 }, "soft F1 loss is in [0, 1]: \(losses)")
                XCTAssertLessThan(losses.last ?? 1, losses.first ?? 0, "it trains: \(losses)")
            } else {
                XCTAssertNil(code, "a built-in-only trial carries no plugin code")
            }
        }
    }
}
