import Foundation
import SweepCore
import SweepPlugins
import XCTest
@testable import SweepRunner

/// The recorder as an executor's sink: a batch of outcomes (what the Slurm driver hands over
/// after one poll) is committed with one append, gives the same records as one-by-one
/// commits, never records a trial twice, and keeps the attempt's own start and end times.
final class SweepRecorderTests: XCTestCase {
    var root = URL(fileURLWithPath: "/nonexistent")

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-recorder-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    func plan() throws -> SweepPlan {
        try SweepFile.parse("name: r\ngrid: {lr: [0.1, 0.01, 0.001, 0.0001]}\n", displayPath: "r.yaml",
                            catalog: try AllPlugins.catalog(), fileExists: { _ in true }, defaultWorkers: 1)
    }

    func attempt(_ trial: Trial, value: Double, at date: Date) throws -> FinishedAttempt {
        let epochs = [EpochMetrics(epoch: 0, lr: 0.1, train: ["loss": 1], val: ["loss": 1, "f1_samples": value], seconds: 0.5)]
        let payload = try TrialOutcome(state: .complete, epochs: epochs, bestEpoch: 0, objective: value, checkpointWritten: false).json()
        return FinishedAttempt(ticket: TrialTicket(id: trial.id, attempt: 1, payload: "{}"), payload: payload, pid: 42, date: date)
    }

    func testABatchIsCommittedOnceAndEqualsOneByOneCommits() async throws {
        let plan = try plan()
        let start = Date(timeIntervalSince1970: 1_700_000_000)
        let attempts = try plan.trials.enumerated().map { i, t in try attempt(t, value: Double(i) / 10, at: start.addingTimeInterval(Double(i))) }

        let batched = ResultsStore(directory: root.appendingPathComponent("batched").path)
        _ = try batched.openForRun()
        // Called as executors call it: through the protocol.
        let a: any TrialSink = SweepRecorder(store: batched, plan: plan, existing: [], display: StatusDisplay(isTerminal: false))
        for x in attempts { await a.started(x.ticket, pid: 42, at: x.date.addingTimeInterval(-2)) }
        await a.finished(attempts + [attempts[0]])  // a duplicate in the batch
        await a.finished([attempts[1]])             // and one already recorded

        let single = ResultsStore(directory: root.appendingPathComponent("single").path)
        _ = try single.openForRun()
        let b: any TrialSink = SweepRecorder(store: single, plan: plan, existing: [], display: StatusDisplay(isTerminal: false))
        for x in attempts {
            await b.started(x.ticket, pid: 42, at: x.date.addingTimeInterval(-2))
            await b.finished(x.ticket, payload: x.payload, pid: x.pid, at: x.date)
        }

        let recordsA = try batched.loadRecords(), recordsB = try single.loadRecords()
        XCTAssertEqual(recordsA.count, 4)
        XCTAssertEqual(recordsA, recordsB)
        XCTAssertEqual(try String(contentsOfFile: batched.trialsPath, encoding: .utf8).split(separator: "\n").count, 4)
        XCTAssertEqual(try String(contentsOfFile: batched.leaderboardPath, encoding: .utf8),
                       try String(contentsOfFile: single.leaderboardPath, encoding: .utf8))
        for (r, x) in zip(recordsA, attempts) {
            XCTAssertEqual(r.timings.end, x.date)
            XCTAssertEqual(r.timings.seconds, 2, accuracy: 1e-9, "\(r.timings) \(x.date)")
        }
        XCTAssertEqual(Leaderboard(plan: plan).ranked(recordsA).first?.objective, 0.3)
    }

    /// `loadRecords(repair: false)` (what `sweep status` uses) leaves a torn last line alone.
    func testReadingWithoutRepairChangesNothing() throws {
        let store = ResultsStore(directory: root.path)
        let plan = try plan()
        let line = try TrialRecord(id: plan.trials[0].id, parameters: [:], config: plan.trials[0].config, seed: 0, state: .failed,
                                   epochs: [], bestEpoch: nil, objective: nil, attempts: 1,
                                   failure: TrialFailure(reason: "x", stderrTail: ""),
                                   timings: TrialTimings(start: Date(), end: Date(), seconds: 0), workerPID: nil).jsonLine()
        let torn = line + "\n{\"id\": \"tor"
        try torn.write(toFile: store.trialsPath, atomically: true, encoding: .utf8)
        XCTAssertEqual(try store.loadRecords(repair: false).count, 1)
        XCTAssertEqual(try String(contentsOfFile: store.trialsPath, encoding: .utf8), torn)
        XCTAssertEqual(try store.loadRecords().count, 1)
        XCTAssertEqual(try String(contentsOfFile: store.trialsPath, encoding: .utf8), line + "\n")
    }
}
