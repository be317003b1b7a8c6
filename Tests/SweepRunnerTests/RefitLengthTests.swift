import XCTest
import SweepTrain
@testable import SweepRunner

/// The refit's length: the runs' mean optimiser step count with a per-batch schedule (worked
/// out here by hand), their mean epoch count with a per-epoch one.
final class RefitLengthTests: XCTestCase {
    func config(_ stepping: ScheduleStepping, epochs: Int = 10, batch: Int = 128) -> TrialConfig {
        var c = TrialConfig()
        c.stepping = stepping
        c.epochs = epochs
        c.batchSize = batch
        return c
    }

    /// The scene sweep: runs on 1280 rows (10 steps an epoch) keeping their 10th epoch, the refit
    /// on 1600 (13 steps): 100 steps, 8 epochs, the last one partial (7 x 13 = 91, then 9).
    func testPerBatchScheduleMatchesTheRunsSteps() {
        let runs = (0..<5).map { _ in RefitLength.Run(keptEpoch: 9, trainingRows: 1280) }
        XCTAssertEqual(RefitLength.plan(config: config(.batch), runs: runs, refitRows: 1600), RefitLength(epochs: 8, steps: 100))
    }

    /// Runs of different lengths and sizes: the mean of their step counts, rounded.
    func testTheMeanOfUnequalRuns() {
        // 3 epochs x 10 steps (1279 rows: 9 x 128 + 127), 5 x 11 (1281 rows with depth 0: 10 x 128 + 1)
        var c = config(.batch)
        c.depth = 0
        let runs = [RefitLength.Run(keptEpoch: 2, trainingRows: 1279), RefitLength.Run(keptEpoch: 4, trainingRows: 1281)]
        XCTAssertEqual(RefitLength.plan(config: c, runs: runs, refitRows: 1600), RefitLength(epochs: 4, steps: 43))   // (30 + 55) / 2 = 42.5
        // with BatchNorm the last batch of one joins the previous: 5 x 10
        c.depth = 2
        XCTAssertEqual(RefitLength.plan(config: c, runs: runs, refitRows: 1600), RefitLength(epochs: 4, steps: 40))
    }

    func testPerEpochScheduleMatchesTheRunsEpochs() {
        let runs = [RefitLength.Run(keptEpoch: 3, trainingRows: 1280), RefitLength.Run(keptEpoch: 6, trainingRows: 1280)]
        XCTAssertEqual(RefitLength.plan(config: config(.epoch), runs: runs, refitRows: 1600), RefitLength(epochs: 6, steps: nil)) // 5.5 -> 6
    }

    func testNeverMoreThanTheConfiguredEpochsNorLessThanOne() {
        // runs on far fewer rows than the refit: its epochs cap the length
        let small = [RefitLength.Run(keptEpoch: 9, trainingRows: 1280)]
        XCTAssertEqual(RefitLength.plan(config: config(.batch, epochs: 10, batch: 128), runs: small, refitRows: 64),
                       RefitLength(epochs: 10, steps: 10))
        XCTAssertEqual(RefitLength.plan(config: config(.epoch), runs: [], refitRows: 1600), RefitLength(epochs: 1, steps: nil))
    }
}
