import Foundation
import SweepCore
import SweepSearch
import SweepCSV
import XCTest
@testable import SweepSelection

/// The race as the leaderboard sees it: a failed run counts as the worst score, the race's
/// survivors rank before configurations raced out with a better (but shorter) mean, and the rows
/// say why each stopped.
final class RaceStandingsTests: XCTestCase {
    static func record(_ config: String, _ r: Int, _ objective: Double, state: TrialState = .complete) -> TrialRecord {
        SelectionTests.record(config: config, repeat: r, objective: objective, loss: 1, bestEpoch: 0, state: state)
    }

    /// Configurations a, b, c, d with 4 runs each (ids as `RunIdentity` gives them).
    let race = RaceStandings(configurations: ["a", "b", "c", "d"].map { c in
        (c, (0..<4).map { RunIdentity.id(configuration: c, repeat: $0, fold: nil, folds: 0) })
    }, direction: .maximize)

    func board() -> ConfigurationBoard {
        ConfigurationBoard(runs: Leaderboard(parameterNames: ["lr"], metricNames: ["loss", "f1_samples"],
                                             objective: Objective(metric: "f1_samples", split: .val, direction: .max)),
                           configOrder: ["a": 0, "b": 4, "c": 8, "d": 12], race: race)
    }

    func testSurvivorsRankFirstAndRowsSayWhy() throws {
        // round 1: a 0.9 (lucky), b 0.58, c 0.6, d failed -> a, c go on; round 2: a 0.1 -> c wins
        var records = [Self.record("a", 0, 0.9), Self.record("b", 0, 0.58), Self.record("c", 0, 0.6),
                       Self.record("d", 0, 0, state: .failed)]
        var state = race.state(records)
        XCTAssertFalse(state.finished)
        XCTAssertEqual(state.standings.map(\.stoppedRound), [nil, 1, nil, 1], "the failed run counts as the worst")
        XCTAssertEqual(race.wanted(state, recorded: Set(records.map(\.id))),
                       [RunIdentity.id(configuration: "a", repeat: 1, fold: nil, folds: 0),
                        RunIdentity.id(configuration: "c", repeat: 1, fold: nil, folds: 0)])
        records += [Self.record("a", 1, 0.1), Self.record("c", 1, 0.55)]
        state = race.state(records)
        XCTAssertEqual(state.standings.map(\.stoppedRound), [2, 1, nil, 1])
        records += [Self.record("c", 2, 0.5), Self.record("c", 3, 0.5)]
        state = race.state(records)
        XCTAssertTrue(state.finished)
        XCTAssertEqual(race.wanted(state, recorded: Set(records.map(\.id))), [])

        let configurations = board().configurations(records)
        // c (mean 0.5375 over 4) ranks before a (0.5 over 2) and b (0.58 over 1): how far each got first
        XCTAssertEqual(configurations.map(\.id), ["c", "a", "b", "d"])
        XCTAssertEqual(configurations.map { $0.objective.mean.map { ($0 * 1e6).rounded() / 1e6 } }, [0.5375, 0.5, 0.58, nil])
        XCTAssertEqual(configurations.map { $0.race?.text ?? "" }, [
            "finished",
            "raced out after round 2 (mean 0.5 < cut 0.575 over 2 run(s))",
            "raced out after round 1 (mean 0.58 < cut 0.6 over 1 run(s))",
            "raced out after round 1 (mean -inf < cut 0.6 over 1 run(s))",
        ])
        let csv = board().csv(records)
        let rows = try CSVParser.parse(Array(csv.utf8)).get().map(\.fields)
        XCTAssertEqual(Array(rows[0].suffix(2)), ["race_out_round", "race"])
        XCTAssertEqual(rows[1].suffix(2), ["", "finished"])
        XCTAssertEqual(rows[2].suffix(2), ["2", "raced out after round 2 (mean 0.5 < cut 0.575 over 2 run(s))"])
        XCTAssertEqual(race.totalRuns, 4 + 2 + 2)
    }

    func testMinimisingRaceSaysGreaterThanTheCut() {
        let ids = { (c: String) in (0..<2).map { RunIdentity.id(configuration: c, repeat: $0, fold: nil, folds: 0) } }
        let race = RaceStandings(configurations: [("a", ids("a")), ("b", ids("b"))], direction: .minimize)
        let a = Self.record("a", 0, 2), b = Self.record("b", 0, 1)
        XCTAssertEqual(race.rows([a, b])["a"]?.text, "raced out after round 1 (mean 2 > cut 1 over 1 run(s))")
        XCTAssertEqual(race.rows([a, b])["b"]?.text, "racing (round 2)")
    }
}
