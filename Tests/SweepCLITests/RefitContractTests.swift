import Foundation
import XCTest
import SweepData
import SweepModels
import SweepTensor
import SweepTrain

/// The refit (`refit: true`, the default with folds) trains what it says: the chosen
/// configuration at the sweep's seed on every non-test row, for as many optimiser steps as its
/// runs took on average (their per-batch schedule then ends where the runs' did), its last
/// epoch partial. Its `refit/head.safetensors` must equal, bit for bit (one BLAS thread), a
/// `runTrial` in this process with that length worked out here by hand from the runs' records,
/// and differ from a refit of whole epochs (the length before steps were matched).
final class RefitContractTests: CLITestCase {
    func testRefitTrainsTheRunsOptimiserSteps() throws {
        var sweep = ContractSweep()
        sweep.folds = "3"
        sweep.test = "0.25"
        try sweep.text(dataPath: dataSet.dataPath, cachePath: dataSet.cachePath)
            .write(to: work.appendingPathComponent("contract.yaml"), atomically: true, encoding: .utf8)
        let outcome = try BinaryRun(binary: binary, arguments: ["run", "contract.yaml"], in: work, logs: logs,
                                    environment: Self.noImageNet(under: root).merging(["SWEEP_BLAS_THREADS": "1"]) { $1 })
            .wait(timeout: 300)
        assertExit(outcome, 0, "sweep run")
        let folder = resultsFolder(sweep.name)
        let records = try TrialsFile.read(folder).records
        XCTAssertEqual(records.count, 3, "one run per fold")

        // By hand: 40 images, 10 test, 30 in 3 folds of 10; a fold's run trains on 20 rows in
        // batches of 8 (8, 8, 4: 3 steps an epoch), the refit on 30 (8, 8, 8, 6: 4 steps).
        let images = try DataSets.load(dataSet.dataPath)
        let split = try DataSplit.make(images, method: .random, validationFraction: 0.3, seed: 0, testFraction: 0.25, folds: 3)
        for f in 0..<3 { XCTAssertEqual(split.rows(fold: f).train.count, 20) }
        XCTAssertEqual(split.trainIndices.count + split.validationIndices.count, 30)
        let kept = records.compactMap { $0["best_epoch"]?.number.map { Int($0) } }
        XCTAssertEqual(kept.count, 3)
        let steps = Int((Double(kept.map { ($0 + 1) * 3 }.reduce(0, +)) / 3).rounded())
        let epochs = (steps + 3) / 4

        let final = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: folder.appendingPathComponent("final.json")))
        XCTAssertEqual(final["model"]?.string, "refit")
        XCTAssertEqual(final["refit_steps"]?.number, Double(steps), "final.json's refit_steps")
        XCTAssertEqual(final["refit_epochs"]?.number, Double(epochs), "final.json's refit_epochs")
        XCTAssertTrue(outcome.stderr.contains("for \(epochs) epoch(s), \(steps) optimiser steps"), outcome.stderr)

        var expected = ContractExpectation.base
        expected.testFraction = 0.25
        expected.folds = 3
        expected.config.epochs = epochs
        expected.config.maxSteps = steps
        expected.config.keepLastEpoch = true
        let want = try InProcessTrainer.train(expected, dataSet: dataSet, refit: true)
        let got = try Safetensors.read(path: folder.appendingPathComponent("refit/head.safetensors").path).tensors
        XCTAssertEqual(want.epochs.count, epochs)
        XCTAssertEqual(want.epochs.map(\.stepRates.count).reduce(0, +), steps, "optimiser steps in all")
        XCTAssertEqual(got, try XCTUnwrap(want.bestState), "refit/head.safetensors differs from runTrial with the runs' steps")

        // The length before: whole epochs (the runs' mean kept epoch count), 4 steps each.
        var whole = expected
        whole.config.maxSteps = nil
        whole.config.epochs = Int((Double(kept.map { $0 + 1 }.reduce(0, +)) / 3).rounded())
        XCTAssertNotEqual(whole.config.epochs * 4, steps, "the data set must make the two lengths differ")
        let before = try InProcessTrainer.train(whole, dataSet: dataSet, refit: true)
        XCTAssertNotEqual(got, before.bestState, "the refit trained whole epochs")
    }
}
