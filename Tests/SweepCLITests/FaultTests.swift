import Foundation
import XCTest

/// `sweep run` under faults: a killed worker, Ctrl-C and a rerun, a diverging trial, a second
/// run on the same results folder.
final class FaultTests: CLITestCase {
    /// A worker killed with SIGKILL in the middle of a trial: the trial is retried (attempt 2)
    /// and the sweep finishes with every trial recorded exactly once.
    func testWorkerKilledMidTrialIsRetriedAndEveryTrialIsRecordedOnce() throws {
        var file = sweepFile("killed")
        file.epochs = 100  // a few seconds of training per trial
        file.depth = 2
        file.grid = [("lr", "[0.0001, 0.001]")]
        let sweep = try write(file, to: "killed.yaml")
        let planned = try plannedIDs(sweep)

        let orchestrator = try start(["run", sweep])
        // A worker that has used 0.3 s of CPU is training (starting takes far less), and its
        // trial needs seconds more: kill it then.
        var victim: ProcessTable.Entry?
        _ = waitUntil(timeout: 300) {
            victim = ProcessTable.workers(of: orchestrator.pid).first { $0.cpuSeconds >= 0.3 }
            return victim != nil || !orchestrator.isRunning
        }
        guard let victim else {
            let outcome = try orchestrator.wait(timeout: 60)
            return XCTFail("no training worker seen (\(outcome.statusText)):\n\(outcome.stderr)")
        }
        XCTAssertEqual(kill(victim.pid, SIGKILL), 0)
        let outcome = try orchestrator.wait(timeout: 300)
        assertExit(outcome, 0, "sweep run with a killed worker")
        XCTAssertTrue(outcome.stderr.contains("attempt 1 failed: worker killed by signal 9"), outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("retrying"), outcome.stderr)

        let trials = try TrialsFile.read(resultsFolder("killed"))
        XCTAssertEqual(trials.ids.sorted(), planned.sorted(), "every trial exactly once")
        XCTAssertEqual(trials.records.map(\.state), ["complete", "complete"])
        XCTAssertEqual(trials.records.filter { $0.attempts == 2 }.count, 1, "the killed trial took a second attempt")
        XCTAssertEqual(trials.records.filter { $0.attempts == 1 }.count, 1)
        XCTAssertFalse(trials.records.contains { $0.workerPID == victim.pid },
                       "a record names the killed worker")
    }

    /// SIGINT to the orchestrator mid-sweep: exit status 130, workers stopped, trials.jsonl
    /// valid; a rerun finishes the rest. Nothing lost (the interrupted run's records are kept
    /// byte for byte), nothing duplicated, and every trial's result equals an uninterrupted
    /// run's (all but timings).
    func testInterruptThenRerunMatchesAnUninterruptedRun() throws {
        var file = sweepFile("interrupted")
        file.epochs = 40
        file.depth = 2
        file.grid = [("lr", "[0.0001, 0.001, 0.01]"), ("dropout", "[0.0, 0.5]")]
        let sweep = try write(file, to: "interrupted.yaml")
        let planned = try plannedIDs(sweep)
        XCTAssertEqual(planned.count, 6)
        let folder = resultsFolder("interrupted")
        let trialsPath = folder.appendingPathComponent("trials.jsonl").path

        let first = try start(["run", sweep])
        var workers: [Int32] = []
        _ = waitUntil(timeout: 300) {
            workers = ProcessTable.workers(of: first.pid).map(\.pid)
            let size = (try? FileManager.default.attributesOfItem(atPath: trialsPath)[.size] as? NSNumber)?.intValue ?? 0
            return size > 0 || !first.isRunning
        }
        first.send(SIGINT)
        let stopped = try first.wait(timeout: 120)
        assertExit(stopped, 130, "interrupted run")
        XCTAssertTrue(stopped.stderr.contains("interrupted"), stopped.stderr)
        XCTAssertFalse(workers.isEmpty, "workers were running when the interrupt came")
        XCTAssertTrue(waitUntil(timeout: 30) { workers.allSatisfy { ProcessTable.entry($0).map { $0.state == "Z" } ?? true } },
                      "workers \(workers) still run after the orchestrator stopped")
        let partial = try TrialsFile.read(folder)
        XCTAssertGreaterThanOrEqual(partial.records.count, 1)
        XCTAssertLessThan(partial.records.count, planned.count, "the interrupt came after the sweep had finished")
        XCTAssertEqual(Set(partial.ids).count, partial.ids.count, "duplicates in the interrupted run")

        let resumed = try run(["run", sweep])
        assertExit(resumed, 0, "rerun after the interrupt")
        XCTAssertTrue(resumed.stderr.contains("resuming: \(partial.records.count) of 6 trials already finished"), resumed.stderr)
        let final = try TrialsFile.read(folder)
        XCTAssertEqual(final.ids.sorted(), planned.sorted(), "every trial exactly once")
        XCTAssertEqual(final.raw.prefix(partial.raw.count), partial.raw, "the interrupted run's records were changed")

        let reference = try run(["run", sweep, "--results", "reference"])
        assertExit(reference, 0, "uninterrupted run")
        let referenceFolder = resultsFolder("interrupted", results: "reference")
        let expected = try TrialsFile.read(referenceFolder)
        XCTAssertEqual(expected.ids.sorted(), planned.sorted())
        for id in planned {
            XCTAssertEqual(final.record(id)?.reproducible, expected.record(id)?.reproducible, "trial \(id)")
        }
        XCTAssertEqual(try LeaderboardFile.read(folder).rowsWithoutSeconds, try LeaderboardFile.read(referenceFolder).rowsWithoutSeconds)
        let best = try FileManager.default.destinationOfSymbolicLink(atPath: folder.appendingPathComponent("best").path)
        XCTAssertEqual(best, try FileManager.default.destinationOfSymbolicLink(atPath: referenceFolder.appendingPathComponent("best").path))
        // Only the best checkpoint is kept: none left over from the trials the interrupt cut off.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("checkpoints").path),
                       [(best as NSString).lastPathComponent])
    }

    /// A trial that exceeds `trial_timeout` on every attempt is killed, retried, then recorded
    /// `failed` with the reason; the sweep still finishes (exit 0) and `best` is not made.
    func testTrialOverTheTimeLimitIsRetriedThenRecordedFailed() throws {
        var file = sweepFile("slow")
        file.epochs = 1000  // tens of seconds: far beyond the limit
        file.depth = 2
        file.grid = [("lr", "[0.001]")]
        file.workers = 1
        file.trialTimeout = 1
        let sweep = try write(file, to: "slow.yaml")
        let outcome = try run(["run", sweep])
        assertExit(outcome, 0, "sweep with a trial over the time limit")
        XCTAssertTrue(outcome.stderr.contains("attempt 1 failed: timed out"), outcome.stderr)
        let folder = resultsFolder("slow")
        let trials = try TrialsFile.read(folder)
        XCTAssertEqual(trials.records.count, 1)
        let record = try XCTUnwrap(trials.records.first)
        XCTAssertEqual(record.state, "failed")
        XCTAssertEqual(record.attempts, 2)
        XCTAssertTrue(record["failure"]?["reason"]?.string?.contains("timed out") ?? false, "\(String(describing: record["failure"]))")
        XCTAssertEqual(try LeaderboardFile.read(folder).rows.map { $0["state"] }, ["failed"])
        XCTAssertNil(try? FileManager.default.destinationOfSymbolicLink(atPath: folder.appendingPathComponent("best").path))
        XCTAssertTrue(outcome.stdout.contains("0 complete, 0 diverged, 1 failed"), outcome.stdout)
    }

    /// A trial whose learning rate makes it diverge is recorded `diverged`, ranked below the
    /// complete one, and the sweep finishes normally.
    func testDivergingTrialIsRecordedDivergedAndTheSweepFinishes() throws {
        var file = sweepFile("diverging")
        file.epochs = 3
        file.grid = [("lr", "[0.001, 10.0]")]
        let sweep = try write(file, to: "diverging.yaml")
        let outcome = try run(["run", sweep])
        assertExit(outcome, 0, "sweep with a diverging trial")
        let folder = resultsFolder("diverging")
        let trials = try TrialsFile.read(folder)
        XCTAssertEqual(trials.records.count, 2)
        XCTAssertEqual(trials.records.first { $0.parameter("lr") == 10 }?.state, "diverged")
        XCTAssertEqual(trials.records.first { $0.parameter("lr") == 0.001 }?.state, "complete")
        XCTAssertTrue(outcome.stdout.contains("1 complete, 1 diverged, 0 failed"), outcome.stdout)
        let board = try LeaderboardFile.read(folder)
        XCTAssertEqual(board.rows.map { $0["state"] }, ["complete", "diverged"])
        assertLeaderboardRanks(board, trials, metric: "f1_samples", maximize: true)
        let complete = try XCTUnwrap(trials.records.first { $0.state == "complete" })
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: folder.appendingPathComponent("best").path),
                       "checkpoints/" + complete.id)
    }

    /// A second `sweep run` on a results folder in use is refused, naming the folder and the
    /// running sweep, and leaves the first run undisturbed.
    func testSecondConcurrentRunOnTheSameResultsFolderIsRefused() throws {
        var file = sweepFile("concurrent")
        file.epochs = 120
        file.depth = 2
        file.grid = [("lr", "[0.0001, 0.001]")]
        let sweep = try write(file, to: "concurrent.yaml")
        let first = try start(["run", sweep])
        XCTAssertTrue(waitUntil(timeout: 300) { first.stderrSoFar.contains("running 2 trial(s)") || !first.isRunning },
                      "the first run never started its trials:\n\(first.stderrSoFar)")
        let second = try run(["run", sweep], timeout: 120)
        XCTAssertTrue(first.isRunning, "the first run ended before the second was refused: its trials are too short for this test")
        XCTAssertFalse(second.signaled)
        XCTAssertNotEqual(second.status, 0, second.stderr)
        XCTAssertTrue(second.stderr.contains("results/concurrent"), second.stderr)
        XCTAssertTrue(second.stderr.contains("another sweep run (pid \(first.pid))"), second.stderr)
        XCTAssertEqual(second.stderrLines.count, 1, second.stderr)

        let done = try first.wait(timeout: 300)
        assertExit(done, 0, "the first run")
        let trials = try TrialsFile.read(resultsFolder("concurrent"))
        XCTAssertEqual(trials.records.count, 2)
        XCTAssertEqual(Set(trials.ids).count, 2)
        XCTAssertTrue(trials.records.allSatisfy { $0.state == "complete" && $0.attempts == 1 })
    }
}
