import Foundation
import SweepCore
import SweepPlugins
import SweepSearch
import SweepTestSupport
import XCTest
@testable import SweepRunner

/// TPE with repeats (and folds): it proposes a configuration, all its runs go out before the
/// next proposal, and it observes the configuration by the mean objective of its runs once all
/// are recorded (running until then: the constant liar). Played in this process with a score
/// table (no workers).
final class TPERunsTests: XCTestCase {
    var root = URL(fileURLWithPath: "/nonexistent")

    override func setUpWithError() throws { root = try temporaryFolder(self) }

    func plan(_ extra: String = "repeats: 2\n") throws -> SweepPlan {
        try SweepFile.parse("name: t\n" + extra + "search: {method: tpe, trials: 14, seed: 1}\n"
                            + "space: {lr: {log_uniform: [1.0e-5, 1.0e-1]}, dropout: {uniform: [0.0, 0.5]}}\n",
                            displayPath: "t.yaml", catalog: try AllPlugins.catalog(), fileExists: { _ in true }, defaultWorkers: 1)
    }

    /// The score of a run: best at lr 1e-3, dropout 0.2, minus a repeat/fold-dependent offset.
    static func score(_ a: TrialAssignment, seed: Int) -> Double {
        let lr = a.parameters["lr"]?.number ?? 1, dropout = a.parameters["dropout"]?.number ?? 0
        let x = log10(lr) + 3
        return 1 - x * x / 4 - (dropout - 0.2) * (dropout - 0.2) - Double(seed % 7) * 0.001
    }

    static func outcome(_ value: Double) throws -> String {
        let epochs = [EpochMetrics(epoch: 0, lr: 0.1, train: ["loss": 1], val: ["loss": 1, "f1_samples": value], seconds: 0.1)]
        return try TrialOutcome(state: .complete, epochs: epochs, bestEpoch: 0, objective: value, checkpointWritten: false).json()
    }

    actor Handed {
        var ids: [TrialAssignment] = []
        var tickets: [String] = []
        func add(_ id: String, _ a: TrialAssignment) { tickets.append(id); ids.append(a) }
        var count: Int { tickets.count }
    }

    /// Runs the search with `workers` in-process workers until the driver has no more (or `limit`).
    func play(_ plan: SweepPlan, store: ResultsStore, workers: Int, limit: Int = .max) async throws -> (ids: [String], runs: [TrialAssignment]) {
        let existing = try store.loadRecords()
        let runPlan = SearchDriver.plan(plan, recorded: existing)
        let finished = Set(existing.map(\.id))
        let recorder = SweepRecorder(store: store, plan: runPlan, existing: existing, display: StatusDisplay(isTerminal: false))
        let driver = SearchDriver(spec: plan.spec, makeTrial: plan.makeTrial, recorder: recorder,
                                  recorded: runPlan.trials.filter { finished.contains($0.id) },
                                  waiting: runPlan.trials.filter { !finished.contains($0.id) }, log: { _ in })
        let handed = Handed()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<workers {
                group.addTask {
                    while await handed.count < limit, let ticket = await driver.next() {
                        let a = try WorkerCodec.decode(TrialAssignment.self, from: ticket.payload)
                        await handed.add(ticket.id, a)
                        try await Task.sleep(for: .milliseconds(2))
                        await recorder.finished(ticket, payload: try Self.outcome(Self.score(a, seed: a.config.seed)), pid: 1)
                    }
                }
            }
            try await group.waitForAll()
        }
        return (await handed.tickets, await handed.ids)
    }

    func testEveryRunOfAProposedConfigurationRunsAndTheMeanIsObserved() async throws {
        let plan = try plan()
        XCTAssertEqual(plan.trials.count, 20, "10 random startup configurations x 2 repeats")
        let store = ResultsStore(directory: root.appendingPathComponent("a").path)
        _ = try store.openForRun()
        let (ids, runs) = try await play(plan, store: store, workers: 2)
        XCTAssertEqual(ids.count, 28, "14 configurations x 2 repeats")
        XCTAssertEqual(Set(ids).count, 28, "no run twice")
        let records = try store.loadRecords()
        let byConfig = Dictionary(grouping: records, by: \.configID)
        XCTAssertEqual(byConfig.count, 14)
        for (_, runs) in byConfig { XCTAssertEqual(runs.map(\.repeat).sorted(), [0, 1]) }
        // each proposed configuration ran both repeats (its two seeds)
        let startup = Set(plan.trials.map(\.configID))
        let proposed = byConfig.filter { !startup.contains($0.key) }
        XCTAssertEqual(proposed.count, 4)
        for (_, pair) in proposed {
            XCTAssertEqual(pair.map(\.seed).sorted(), [0, RunIdentity.seed(base: 0, repeat: 1)].sorted())
        }
        XCTAssertEqual(runs.count, 28)
        // TPE observes a configuration by its runs' mean
        let driver = SearchDriver(spec: plan.spec, makeTrial: nil,
                                  recorder: SweepRecorder(store: store, plan: plan, existing: [], display: StatusDisplay(isTerminal: false)),
                                  recorded: [], waiting: [], log: { _ in })
        let pair = Array(byConfig.values.first ?? [])
        let state = await driver.observed(pair, runs: 2)
        let mean = pair.compactMap(\.objective).reduce(0, +) / 2
        XCTAssertEqual(state, .complete(mean))
        let half = await driver.observed(Array(pair.prefix(1)), runs: 2)
        XCTAssertEqual(half, .running, "one of two runs recorded: still running (the constant liar)")
    }

    /// Killed after a proposed configuration's first run (one worker): the second run of that
    /// configuration is still run on resume, and the search ends with 14 whole configurations.
    func testResumeRunsTheRestOfAProposedConfiguration() async throws {
        let plan = try plan()
        let store = ResultsStore(directory: root.appendingPathComponent("b").path)
        _ = try store.openForRun()
        let first = try await play(plan, store: store, workers: 1, limit: 23)
        XCTAssertEqual(first.ids.count, 23)
        // one worker: a proposed configuration's runs go out one after the other, before the next proposal
        XCTAssertEqual(first.runs[20].parameters, first.runs[21].parameters)
        XCTAssertNotEqual(first.runs[21].parameters, first.runs[22].parameters)
        XCTAssertEqual(SearchDriver.plan(plan, recorded: try store.loadRecords()).trials.count, 24,
                       "the recorded proposed configurations with every run (the half-done one's second run too)")
        let second = try await play(plan, store: store, workers: 1)
        XCTAssertEqual(second.ids.count, 5)
        XCTAssertEqual(second.runs.first?.parameters, first.runs.last?.parameters, "the half-done configuration finishes first")
        let records = try store.loadRecords()
        XCTAssertEqual(Set(records.map(\.id)).count, 28)
        XCTAssertEqual(Dictionary(grouping: records, by: \.configID).count, 14)
    }

    /// With folds too, and the decoder no longer refuses TPE with repeats or folds.
    func testTPETakesFolds() throws {
        let plan = try plan("data: {folds: 3}\n")
        XCTAssertEqual(plan.trials.count, 30)
        XCTAssertTrue(plan.summary.hasPrefix("14 configurations x 3 runs by TPE (seed 1; the first 10 random)"), plan.summary)
    }
}
