import Foundation
import SweepCore
import SweepPlugins
import SweepCSV
import SweepTestSupport
import XCTest
@testable import SweepRunner

/// The race in the runner, with the pool played in this process (two "workers" asking the
/// driver for runs and reporting a score from a fixed table): runs go out round by round, no run
/// of a round starts before the round before it is recorded, the configurations behind get no
/// more runs, leaderboard.csv says why each stopped, and a run stopped half-way and started
/// again (new driver and recorder over the same results folder) gives each run once.
final class RaceDriverTests: XCTestCase {
    var root = URL(fileURLWithPath: "/nonexistent")

    override func setUpWithError() throws { root = try temporaryFolder(self) }

    /// 8 configurations (lr) x 4 repeats, raced.
    func plan() throws -> SweepPlan {
        try SweepFile.parse("name: r\nrepeats: 4\nrace: true\nrefit: false\n"
                            + "grid: {lr: [0.1, 0.05, 0.01, 0.005, 0.001, 0.0005, 0.0001, 0.00005]}\n",
                            displayPath: "r.yaml", catalog: try AllPlugins.catalog(), fileExists: { _ in true }, defaultWorkers: 1)
    }

    /// Configuration c's score on repeat r: c5 is best on average, c7 best on repeat 0 alone.
    static func score(_ c: Int, _ r: Int) -> Double {
        if c == 5 { return [0.08, 0.2, 0.2, 0.2][r] }
        return Double(c) * 0.01 + (r == 0 ? 0.02 * Double(c % 3) : 0)
    }

    static func outcome(_ value: Double) throws -> String {
        let epochs = [EpochMetrics(epoch: 0, lr: 0.1, train: ["loss": 1], val: ["loss": 1, "f1_samples": value], seconds: 0.1)]
        return try TrialOutcome(state: .complete, epochs: epochs, bestEpoch: 0, objective: value, checkpointWritten: false).json()
    }

    /// Plays the pool: `workers` tasks take runs from the queue fed by the driver and record them, until the driver
    /// has no more or `limit` runs were recorded. Returns the runs handed out, in order.
    func play(_ plan: SweepPlan, store: ResultsStore, workers: Int = 2, limit: Int = .max,
              log: @escaping @Sendable (String) -> Void = { _ in }) async throws -> [String] {
        let existing = try store.loadRecords()
        let recorder = SweepRecorder(store: store, plan: plan, existing: existing, display: StatusDisplay(isTerminal: false))
        let finished = Set(existing.map(\.id))
        let driver = SearchDriver(spec: plan.spec, makeTrial: nil, recorder: recorder,
                                  recorded: plan.trials.filter { finished.contains($0.id) },
                                  waiting: plan.trials.filter { !finished.contains($0.id) }, log: log)
        let configs = plan.trials.map(\.configID).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        let byID = Dictionary(uniqueKeysWithValues: plan.trials.map { ($0.id, $0) })
        let handed = HandedOut()
        // the runner's queue: its source is the driver, and a first nil from it ends the feed
        let queue = TrialQueue([], retries: 0)
        await queue.feed { await driver.next() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<workers {
                group.addTask {
                    while await handed.count < limit, let ticket = await queue.next() {
                        guard let trial = byID[ticket.id], let c = configs.firstIndex(of: trial.configID) else { return }
                        await handed.add(ticket.id)
                        try await Task.sleep(for: .milliseconds(5 + 15 * c))  // uneven: a worker often finds its round still open
                        await recorder.finished(ticket, payload: try Self.outcome(Self.score(c, trial.repeat)), pid: 1)
                    }
                }
            }
            try await group.waitForAll()
        }
        return await handed.ids
    }

    actor HandedOut {
        var ids: [String] = []
        var count: Int { ids.count }
        func add(_ id: String) { ids.append(id) }
    }

    func testRacedRunsGoOutInRoundsAndTheLeaderboardSaysWhy() async throws {
        let plan = try plan()
        let store = ResultsStore(directory: root.appendingPathComponent("a").path)
        _ = try store.openForRun()
        let lines = Lines()
        let handed = try await play(plan, store: store, log: { line in Task { await lines.add(line) } })
        // 8 x 1, then 4 x (2 - 1), then 2 x (4 - 2): 16 of 32 runs
        XCTAssertEqual(handed.count, 16)
        XCTAssertEqual(Set(handed).count, 16, "no run twice")
        guard handed.count == 16 else { return }
        let trials = Dictionary(uniqueKeysWithValues: plan.trials.map { ($0.id, $0) })
        // rounds never overlap: every repeat-0 run before any repeat-1 run, those before repeat 2
        let repeats = handed.compactMap { trials[$0]?.repeat }
        XCTAssertEqual(Array(repeats.prefix(8)), Array(repeating: 0, count: 8))
        XCTAssertEqual(Array(repeats[8..<12]), Array(repeating: 1, count: 4))
        XCTAssertEqual(Set(repeats[12...]), [2, 3])

        guard case .success(let records) = CSVParser.parse(Array(try String(contentsOfFile: store.leaderboardPath, encoding: .utf8).utf8))
        else { return XCTFail("leaderboard.csv does not parse") }
        let csv = records.map(\.fields)
        let header = csv[0]
        let col = { (name: String) -> Int in header.firstIndex(of: name) ?? -1 }
        XCTAssertEqual(Array(header.suffix(2)), ["race_out_round", "race"])
        let rows = Array(csv.dropFirst())
        XCTAssertEqual(rows.count, 8)
        // the race's winner ranks first (c5: lr 0.0005), the other finalist second
        XCTAssertEqual(rows[0][col("lr")], "0.0005")
        XCTAssertEqual(rows[0][col("race")], "finished")
        XCTAssertEqual(rows[0][col("runs")], "4")
        XCTAssertEqual(rows[0][col("race_out_round")], "")
        // the last round gives every run: both finalists finish, ranked by their means
        XCTAssertEqual(rows[1][col("lr")], "5e-05")
        XCTAssertEqual(rows[1][col("runs")], "4")
        XCTAssertEqual(rows[1][col("race")], "finished")
        let c4 = rows.first { $0[col("lr")] == "0.001" }
        XCTAssertEqual(c4?[col("race")], "raced out after round 2 (mean 0.05 < cut 0.08 over 2 run(s))")
        XCTAssertEqual(rows.map { $0[col("runs")] }.sorted(), ["1", "1", "1", "1", "2", "2", "4", "4"])
        let c0 = rows.first { $0[col("lr")] == "0.1" }
        XCTAssertEqual(c0?[col("race")], "raced out after round 1 (mean 0 < cut 0.06 over 1 run(s))")
        XCTAssertEqual(c0?[col("race_out_round")], "1")
        try await Task.sleep(for: .milliseconds(50))
        let logged = await lines.all
        XCTAssertTrue(logged.contains { $0.hasPrefix("race: after round 1 (1 run(s) each) the best 4 of 8 go on, cut: mean 0.06; raced out: ") },
                      logged.joined(separator: "\n"))
        XCTAssertTrue(logged.contains { $0.hasPrefix("race: finished: ") && $0.hasSuffix("; 16 of 32 runs given") },
                      logged.joined(separator: "\n"))
    }

    /// Stopped after 10 runs (mid-round 2), started again: the second run gives the other 6,
    /// the records equal an uninterrupted race's.
    func testAResumedRaceRebuildsItsStateFromTheRecords() async throws {
        let plan = try plan()
        let store = ResultsStore(directory: root.appendingPathComponent("b").path)
        _ = try store.openForRun()
        let first = try await play(plan, store: store, workers: 1, limit: 10)
        XCTAssertEqual(first.count, 10)
        XCTAssertEqual(SearchDriver.toRun(plan, remaining: 22, records: try store.loadRecords()), 6)
        let second = try await play(plan, store: store, workers: 2)
        XCTAssertEqual(second.count, 6)
        XCTAssertTrue(Set(first).isDisjoint(with: second), "no run twice")
        XCTAssertEqual(SearchDriver.toRun(plan, remaining: 16, records: try store.loadRecords()), 0, "the race is over")
        let again = try await play(plan, store: store)
        XCTAssertEqual(again, [], "nothing more")

        let whole = ResultsStore(directory: root.appendingPathComponent("c").path)
        _ = try whole.openForRun()
        let once = try await play(plan, store: whole, workers: 1)
        XCTAssertEqual(Set(once), Set(first + second), "the same runs as a race never stopped")
        let board = { (s: ResultsStore) in try String(contentsOfFile: s.leaderboardPath, encoding: .utf8) }
        XCTAssertEqual(try board(store), try board(whole))
    }

    actor Lines {
        var all: [String] = []
        func add(_ line: String) { all.append(line) }
    }
}
