import XCTest
import SweepPluginAPI
import SweepStandardPlugins
import SweepTensor
@testable import SweepTrain

/// `TrialConfig.maxSteps` (the refit's length): training stops after that many optimiser steps
/// in all, the last epoch partial, its loss over the rows it saw. On `TrialTests`'s fixture (300
/// training rows at batch 32: 10 steps an epoch, 9 of 32 and one of 12).
extension TrialTests {
    /// `TrialTests.config` with a cosine whose period is not a multiple of an epoch.
    func stepLimited(_ change: (inout TrialConfig) -> Void = { _ in }) -> TrialConfig {
        config { $0.schedule = .cosine(tMax: 7, etaMin: 1e-4); change(&$0) }
    }

    func testStepsPerEpochFollowTheBatchRule() {
        XCTAssertEqual(stepLimited().stepsPerEpoch(trainingRows: 300), 10)
        XCTAssertEqual(stepLimited().stepsPerEpoch(trainingRows: 320), 10)
        // a last batch of one is merged into the previous one with BatchNorm, kept without
        XCTAssertEqual(stepLimited().stepsPerEpoch(trainingRows: 321), 10)
        XCTAssertEqual(stepLimited { $0.depth = 0 }.stepsPerEpoch(trainingRows: 321), 11)
        XCTAssertEqual(stepLimited { $0.widths = [8] ; $0.depth = 0 }.stepsPerEpoch(trainingRows: 321), 10)
    }

    /// A limit at an epoch boundary is the shorter trial, bit for bit.
    func testALimitOfWholeEpochsIsTheShorterTrial() throws {
        let limited = try run(stepLimited { $0.maxSteps = 20 })
        let short = try run(stepLimited { $0.epochs = 2 })
        XCTAssertEqual(limited.epochs.count, 2)
        XCTAssertEqual(withoutTimes(limited.epochs), withoutTimes(short.epochs))
        XCTAssertEqual(limited.bestState, short.bestState)
    }

    /// A limit inside an epoch: the epochs before it are the unlimited trial's, the last one
    /// takes the remaining steps at the schedule's rates, and its training loss (depth 0, lr 0:
    /// every row's loss fixed) is the mean over exactly the rows its steps saw.
    func testALimitInsideAnEpochStopsThere() throws {
        let c = stepLimited { $0.maxSteps = 25; $0.keepLastEpoch = true }
        let limited = try run(c)
        let full = try run(stepLimited { $0.keepLastEpoch = true })
        XCTAssertEqual(limited.epochs.count, 3)
        XCTAssertEqual(withoutTimes(Array(limited.epochs.prefix(2))), withoutTimes(Array(full.epochs.prefix(2))))
        XCTAssertEqual(limited.epochs.map(\.stepRates.count), [10, 10, 5])
        XCTAssertEqual(limited.epochs[2].stepRates, Array(full.epochs[2].stepRates.prefix(5)))
        var scheduler = LRScheduler(schedule: .cosine(tMax: 7, etaMin: 1e-4), baseRate: 1e-3)
        for _ in 0..<25 { scheduler.step() }
        XCTAssertEqual(limited.epochs[2].learningRate, scheduler.rate, "the rate after 25 steps")
        XCTAssertEqual(limited.bestEpoch, 2)
        XCTAssertNotEqual(limited.bestState, full.bestState)
        XCTAssertNotNil(limited.bestState)

        // the partial epoch's loss: lr 0 and no hidden layer, so the head stays at its start
        let frozen = stepLimited { $0.depth = 0; $0.optimizer = .sgd(learningRate: 0); $0.schedule = .constant; $0.maxSteps = 25 }
        let result = try run(frozen)
        let data = try synthetic.trialData(train: 300)
        let head = try Head(config: result.headConfig, seed: 0)
        let loss = try synthetic.bce(data)
        var shuffler = SeededGenerator(seed: 0, stream: 2)
        var order = Array(0..<300)
        for _ in 0..<3 { shuffler.shuffle(&order) }
        let seen = Array(order.prefix(5 * 32))                         // 5 batches of 32
        var sum = 0.0
        for row in seen {
            let logits = head.logits(features: synthetic.features.pointer + row * 64, rows: 1)   // (1, 4)
            let targets = synthetic.targets[(row * 4)..<((row + 1) * 4)].map(Float.init)         // (1, 4)
            sum += logits.withUnsafeBufferPointer { l in
                targets.withUnsafeBufferPointer { loss.loss(logits: l, targets: $0, rows: 1, columns: 4, gradient: nil) }
            }
        }
        XCTAssertEqual(result.epochs.count, 3)
        XCTAssertEqual(result.epochs[2].trainLoss, sum / Double(seen.count), accuracy: 1e-6)
        XCTAssertEqual(result.epochs[0].trainLoss, result.epochs[1].trainLoss, accuracy: 1e-6, "whole epochs see every row")
        XCTAssertNotEqual(result.epochs[2].trainLoss, result.epochs[0].trainLoss, accuracy: 1e-9, "the partial epoch saw fewer rows")
    }

    func testANonPositiveLimitIsRefused() throws {
        XCTAssertThrowsError(try run(stepLimited { $0.maxSteps = 0 })) { error in
            XCTAssertTrue("\(error)".contains("max_steps"), "\(error)")
        }
    }
}
