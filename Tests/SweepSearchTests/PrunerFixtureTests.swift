import Foundation
@testable import SweepSearch
import XCTest

/// Our pruners replaying the learning curves Optuna's MedianPruner and SuccessiveHalvingPruner
/// saw (Tests/Fixtures/make_pruner_fixture.py): the same trials stopped at the same epochs.
final class PrunerFixtureTests: XCTestCase {
    struct Reference: Decodable {
        struct Case: Decodable {
            var pruner: String
            var direction: String
            var n_startup_trials: Int?
            var n_warmup_steps: Int?
            var interval_steps: Int?
            var min_resource: Int?
            var reduction_factor: Int?
            var min_early_stopping_rate: Int?
            var pruned_at: [Int?]
        }
        var curves: [[Double]]
        var cases: [Case]
    }

    /// Trials one after another, each reporting every epoch until a pruner stops it.
    func replay(_ c: Reference.Case, _ curves: [[Double]]) -> [Int?] {
        let direction: Direction = c.direction == "maximize" ? .maximize : .minimize
        let sign = direction == .maximize ? 1.0 : -1.0
        var finished: [(curve: Curve, complete: Bool)] = []
        var prunedAt: [Int?] = []
        for values in curves {
            var curve: Curve = [:]
            var stopped: Int?
            for (i, v) in values.enumerated() {
                let epoch = i + 1
                curve[epoch] = sign * v
                let decision: PruneDecision
                if c.pruner == "median" {
                    let pruner = MedianPruner(startupTrials: c.n_startup_trials ?? 5, warmupSteps: c.n_warmup_steps ?? 0,
                                              interval: c.interval_steps ?? 1)
                    decision = pruner.decide(curve, complete: finished.filter(\.complete).map(\.curve), direction: direction)
                } else {
                    let pruner = ASHAPruner(minResource: c.min_resource ?? 1, reductionFactor: c.reduction_factor ?? 4,
                                            minEarlyStoppingRate: c.min_early_stopping_rate ?? 0)
                    let earlier = finished.map { pruner.rungValues($0.curve) }
                    decision = pruner.decide(curve, rungs: { rung in earlier.compactMap { rung < $0.count ? $0[rung] : nil } },
                                             direction: direction)
                }
                if decision.prune {
                    stopped = epoch
                    XCTAssertFalse(decision.reason.isEmpty)
                    break
                }
            }
            prunedAt.append(stopped)
            finished.append((curve, stopped == nil))
        }
        return prunedAt
    }

    func testSameDecisionsAsOptuna() throws {
        let reference = try SearchFixtures.load("pruner_reference.json", as: Reference.self)
        XCTAssertEqual(reference.cases.count, 6)
        for c in reference.cases {
            let ours = replay(c, reference.curves)
            XCTAssertEqual(ours, c.pruned_at, "\(c.pruner) \(c.direction)")
            XCTAssertGreaterThan(ours.compactMap { $0 }.count, 20)
        }
    }

    func testDecisionsSayTheirNumbers() {
        let median = MedianPruner(startupTrials: 2)
        let complete: [Curve] = [[1: 0.5, 2: 0.6], [1: 0.7, 2: 0.8], [1: 0.9, 2: 0.95]]
        let d = median.decide([1: 0.4, 2: 0.55], complete: complete, direction: .maximize)
        XCTAssertTrue(d.prune)
        XCTAssertEqual(d.reason, "epoch 2: best 0.55 < median 0.8 of 3 complete trials")
        XCTAssertFalse(median.decide([1: 0.9], complete: complete, direction: .maximize).prune)
        XCTAssertFalse(median.decide([1: 0.1], complete: [complete[0]], direction: .maximize).prune)  // startup

        let asha = ASHAPruner(minResource: 1, reductionFactor: 2)
        XCTAssertEqual((0..<4).map(asha.rungStep), [1, 2, 4, 8])
        XCTAssertEqual(asha.rungValues([1: 0.1, 2: 0.2, 3: 0.3, 4: 0.4]), [0.1, 0.2, 0.4])
        let stop = asha.decide([1: 0.3, 2: 0.35], rungs: { $0 == 1 ? [0.5, 0.6, 0.7] : [0.2, 0.4, 0.6] }, direction: .maximize)
        XCTAssertTrue(stop.prune)
        XCTAssertEqual(stop.rung, 1)
        XCTAssertEqual(stop.reason, "epoch 2: value 0.35 is not in the top 2 of 4 values at rung 1 (epoch 2), which need >= 0.6")
        let goOn = asha.decide([1: 0.3, 2: 0.65], rungs: { _ in [0.5, 0.6, 0.7] }, direction: .maximize)
        XCTAssertFalse(goOn.prune)
        XCTAssertEqual(goOn.rung, 1)
    }
}
