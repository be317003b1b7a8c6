import Foundation
@testable import SweepSearch
import XCTest

final class RacingTests: XCTestCase {
    let race = SuccessiveHalvingRace(minRuns: 1, maxRuns: 4, reductionFactor: 2)

    func testRoundsDoubleTheRuns() {
        XCTAssertEqual((0..<5).map(race.runs(round:)), [1, 2, 4, 4, 4])
        XCTAssertEqual(SuccessiveHalvingRace(minRuns: 2, maxRuns: 10, reductionFactor: 3).runs(round: 2), 10)
    }

    /// A whole race played against a table of results, as the runner would: ask, run, ask again.
    func play(_ table: [String: [Double]], direction: Direction) -> SuccessiveHalvingRace.State {
        let ids = table.keys.sorted()
        var have = Dictionary(uniqueKeysWithValues: ids.map { ($0, [Double]()) })
        while true {
            let state = race.state(ids.map { ($0, have[$0] ?? []) }, direction: direction)
            if state.finished { return state }
            for s in state.standings where s.stopped == nil {
                have[s.id] = Array(table[s.id]?.prefix(s.runs) ?? [])
            }
        }
    }

    func testBestConfigurationWinsWithFewerRuns() {
        // 8 configurations, 4 seeds each; c5 is best on average, c7 best on seed 0 but for it
        var table: [String: [Double]] = [:]
        for c in 0..<8 { table["c\(c)"] = (0..<4).map { s in Double(c) * 0.01 + (s == 0 ? 0.02 * Double(c % 3) : 0) } }
        table["c5"] = [0.08, 0.2, 0.2, 0.2]
        let state = play(table, direction: .maximize)
        XCTAssertTrue(state.finished)
        let winners = state.standings.filter { $0.stopped == nil }
        // the last round ends at maxRuns with two left; the better mean is the choice
        XCTAssertEqual(winners.map(\.id), ["c5", "c7"])
        XCTAssertEqual(winners.map(\.runs), [4, 4])
        XCTAssertGreaterThan(winners[0].mean ?? 0, winners[1].mean ?? 0)
        let total = state.standings.map(\.runs).reduce(0, +)
        XCTAssertEqual(total, 4 * 1 + 2 * 2 + 2 * 4)  // dropped after 1 run, after 2, the two finalists
        XCTAssertLessThan(Double(total), 0.8 * 32)
        let c0 = state.standings.first { $0.id == "c0" }
        XCTAssertEqual(c0?.runs, 1)
        XCTAssertEqual(c0?.stopped?.hasPrefix("round 1: mean 0 over 1 run(s) ranked"), true, c0?.stopped ?? "")
    }

    func testMinimizeAndTiesKeepTheEarlierConfiguration() {
        let state = race.state([("a", [1, 1, 1, 1]), ("b", [1, 1, 1, 1]), ("c", [2, 2, 2, 2])], direction: .minimize)
        XCTAssertTrue(state.finished)
        XCTAssertEqual(state.standings.filter { $0.stopped == nil }.map(\.id), ["a"])
        XCTAssertEqual(state.standings.map(\.runs), [4, 2, 1])
    }

    func testMissingRunsHoldTheRoundOpen() {
        let state = race.state([("a", [0.5]), ("b", [])], direction: .maximize)
        XCTAssertFalse(state.finished)
        XCTAssertEqual(state.round, 0)
        XCTAssertEqual(state.standings.map(\.runs), [1, 1])
        XCTAssertNil(state.standings[1].mean)
    }

    /// The runs a race gives are known ahead: 54 configurations x 5 folds give 54 + 27 + 2 x 14 + 7.
    func testTotalRunsMatchesAPlayedRace() {
        XCTAssertEqual(SuccessiveHalvingRace(maxRuns: 5).totalRuns(configurations: 54), 54 + 27 + 28 + 7)
        XCTAssertEqual(race.totalRuns(configurations: 8), 16)
        XCTAssertEqual(race.totalRuns(configurations: 1), 4, "a lone configuration gets every run")
        var table: [String: [Double]] = [:]
        for c in 0..<11 { table["c\(c)"] = (0..<4).map { Double((c * 7 + $0 * 3) % 5) } }
        let played = play(table, direction: .minimize)
        XCTAssertEqual(played.standings.map(\.runs).reduce(0, +), race.totalRuns(configurations: 11))
        XCTAssertEqual(played.standings.compactMap(\.stoppedRound).max(), 2)
        for s in played.standings where s.stopped != nil { XCTAssertNotNil(s.cut) }
    }
}
