import Foundation
import SweepCore
import SweepSearch
import SweepSelection

/// `race: true` in the run: the driver hands out the runs the race wants (`RaceStandings`) and,
/// when a round's runs are all out, waits for their records before the next round is decided.
/// Everything comes from the records, so a run killed and started again hands out exactly the
/// runs with no record that the race still wants (none rerun, none skipped).
extension SearchDriver {
    /// The next run of the race, nil when the race is over (or the run is being stopped).
    func raceNext(_ race: RaceStandings) async -> Trial? {
        while !Task.isCancelled {
            let records = await recorder.settledRecords
            let state = race.state(records)
            logDecisions(state, race)
            let recorded = Set(records.map(\.id))
            if let id = race.wanted(state, recorded: recorded).first(where: { !handedOut.contains($0) }), let trial = planned[id] {
                return trial
            }
            if state.finished { return nil }
            // the round is open until the runs still going are recorded
            if handedOut.subtracting(recorded).isEmpty { return nil }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }

    /// Logs each round's decisions once, with their numbers.
    func logDecisions(_ state: SuccessiveHalvingRace.State, _ race: RaceStandings) {
        let rounds = Set(state.standings.compactMap(\.stoppedRound)).sorted()
        for k in rounds where loggedRounds.insert(k).inserted {
            let out = state.standings.filter { $0.stoppedRound == k }
            let goOn = state.standings.filter { $0.stoppedRound.map { $0 > k } ?? true }.count
            let shown = out.prefix(12).map { "\($0.id) (mean \(race.fmt($0.mean ?? .nan)))" }.joined(separator: ", ")
            log("race: after round \(k) (\(race.race.runs(round: k - 1)) run(s) each) the best \(goOn) of \(goOn + out.count) "
                + "go on, cut: mean \(race.fmt(out.first?.cut ?? .nan)); raced out: " + shown
                + (out.count > 12 ? " and \(out.count - 12) more" : ""))
        }
        let finalRound = -1
        if state.finished, loggedRounds.insert(finalRound).inserted {
            let winners = state.standings.filter { $0.stopped == nil }
            let given = state.standings.map(\.runs).reduce(0, +)
            let all = race.configurations.map(\.runs.count).reduce(0, +)
            log("race: finished: " + winners.map { "\($0.id) mean \(race.fmt($0.mean ?? .nan)) over \($0.runs) run(s)" }
                .joined(separator: ", ") + "; \(given) of \(all) runs given")
        }
    }
}
