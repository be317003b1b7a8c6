import Foundation
@testable import SweepSearch
import XCTest

final class TPESamplerTests: XCTestCase {
    let space = SearchSpace([
        SearchDimension(name: "lr", distribution: .logUniform(low: 1e-5, high: 1)),
        SearchDimension(name: "dropout", distribution: .uniform(low: 0, high: 0.9)),
        SearchDimension(name: "depth", distribution: .int(low: 0, high: 3, step: 1)),
        SearchDimension(name: "batch", distribution: .int(low: 16, high: 256, step: 16)),
        SearchDimension(name: "optimizer", distribution: .choice(count: 3)),
    ])

    func objective(_ p: [Double]) -> Double {
        0.3 * pow(log10(p[0]) + 2.5, 2) + 2 * pow(p[1] - 0.35, 2) + 0.15 * abs(p[2] - 2)
            + 0.2 * pow((p[3] - 64) / 192, 2) + [0, 0.3, 0.15][Int(p[4])]
    }

    func run(_ sampler: any Sampler, trials: Int) -> (history: [Observation], best: Double) {
        var history: [Observation] = []
        for i in 0..<trials {
            let p = sampler.suggest(index: i, history: history)
            history.append(Observation(point: p, state: .complete(objective(p))))
        }
        let best = history.compactMap { if case .complete(let v) = $0.state { return v } else { return nil } }.min() ?? .infinity
        return (history, best)
    }

    func testSuggestionsInsideTheSpaceAndReproducible() {
        let tpe = TPESampler(space: space, seed: 4, direction: .minimize)
        let a = run(tpe, trials: 40), b = run(tpe, trials: 40)
        XCTAssertEqual(a.history, b.history)
        for o in a.history { XCTAssertTrue(space.contains(o.point), "\(o.point)") }
        // startup trials are the random sampler's
        let random = RandomSampler(space: space, seed: 4)
        XCTAssertEqual(a.history.prefix(10).map(\.point), (0..<10).map { random.suggest(index: $0) })
        XCTAssertNotEqual(run(TPESampler(space: space, seed: 5, direction: .minimize), trials: 40).history, a.history)
        // resume: the suggestion for trial 40 depends only on the records, not on the sampler's past
        let fresh = TPESampler(space: space, seed: 4, direction: .minimize)
        XCTAssertEqual(fresh.suggest(index: 40, history: a.history), tpe.suggest(index: 40, history: a.history))
    }

    /// Over 15 seeds, TPE's median best after 60 trials beats random search's clearly.
    func testBeatsRandomSearch() {
        var tpe: [Double] = [], random: [Double] = []
        for seed in 0..<15 {
            tpe.append(run(TPESampler(space: space, seed: seed, direction: .minimize), trials: 60).best)
            random.append(run(RandomSampler(space: space, seed: seed), trials: 60).best)
        }
        let medianTPE = tpe.sorted()[7], medianRandom = random.sorted()[7]
        XCTAssertLessThan(medianTPE, 0.6 * medianRandom, "TPE \(medianTPE), random \(medianRandom)")
    }

    func testMaximizeIsMinimizeOfTheNegation() {
        let minimize = TPESampler(space: space, seed: 2, direction: .minimize)
        let maximize = TPESampler(space: space, seed: 2, direction: .maximize)
        let history = run(RandomSampler(space: space, seed: 9), trials: 30).history
        let negated = history.map { o -> Observation in
            guard case .complete(let v) = o.state else { return o }
            return Observation(point: o.point, state: .complete(-v))
        }
        XCTAssertEqual(minimize.suggest(index: 30, history: history), maximize.suggest(index: 30, history: negated))
    }

    /// Optuna's _split_trials: the best gamma(n) complete trials below, then pruned ones by
    /// (further, better), running trials above (constant liar), failed ones nowhere.
    func testSplitOfTheHistory() {
        let tpe = TPESampler(space: space, seed: 0, direction: .maximize)
        let p = [1e-3, 0.1, 1, 32, 0]
        var history = (0..<12).map { Observation(point: p, state: .complete(Double($0) / 10)) }  // gamma(15) = 2
        history.append(Observation(point: p, state: .pruned(step: 5, value: 0.2)))
        history.append(Observation(point: p, state: .running))
        history.append(Observation(point: p, state: .failed))
        history.append(Observation(point: p, state: .pruned(step: 3, value: 0.9)))
        history.append(Observation(point: p, state: .pruned(step: 5, value: 0.4)))
        let (below, above) = tpe.split(history)
        XCTAssertEqual(below, [10, 11])
        XCTAssertEqual(above, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 13, 15, 16])
        // without complete trials the pruned ones fill the below group: furthest first, then better
        let pruned = Array(history.suffix(5))  // pruned(5, 0.2), running, failed, pruned(3, 0.9), pruned(5, 0.4)
        XCTAssertEqual(tpe.split(pruned).below, [4])
        XCTAssertEqual(tpe.split(pruned).above, [0, 1, 3])
        var liar = tpe
        liar.constantLiar = false
        XCTAssertEqual(liar.split(pruned).above, [0, 3])
    }
}
