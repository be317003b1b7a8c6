import Foundation
import XCTest
import SweepData
import SweepPluginAPI
import SweepTensor
import SweepTrain
import SweepSearch

/// Contract tests, sweep file to trainer: for every training key a sweep file can set or sweep,
/// the real binary runs a sweep with that key at a non-default value, and its trial record must
/// equal, bit for bit (one BLAS thread on both sides), a `runTrial` in this process with the
/// configuration written by hand in SweepTrain's terms — and differ from the record with the
/// key at its default. A key that the runner drops, misroutes or transforms fails here.
final class ContractTests: CLITestCase {
    /// Runs `sweep` (in the binary) and checks its single trial against `expect`, and that it
    /// differs from `reference` (the same sweep with the key at its default; `.base` unless given).
    func assertContract(_ change: (inout ContractSweep) -> Void,
                        expect: (inout ContractExpectation) -> Void,
                        reference: ((inout ContractExpectation) -> Void)? = nil,
                        trials: Int = 1, pick: (JSONValue) -> Bool = { _ in true },
                        file: StaticString = #filePath, line: UInt = #line) throws {
        var sweep = ContractSweep()
        change(&sweep)
        try sweep.text(dataPath: dataSet.dataPath, cachePath: dataSet.cachePath)
            .write(to: work.appendingPathComponent("contract.yaml"), atomically: true, encoding: .utf8)
        let outcome = try BinaryRun(binary: binary, arguments: ["run", "contract.yaml"], in: work, logs: logs,
                                    environment: Self.noImageNet(under: root).merging(["SWEEP_BLAS_THREADS": "1"]) { $1 })
            .wait(timeout: 300)
        assertExit(outcome, 0, "sweep run", file: file, line: line)
        let records = try TrialsFile.read(resultsFolder(sweep.name)).records
        XCTAssertEqual(records.count, trials, "trials in trials.jsonl", file: file, line: line)
        guard let record = records.first(where: pick) else { return XCTFail("no record to compare", file: file, line: line) }
        let got = ComparedTrial(record: record)

        var expected = ContractExpectation.base
        expect(&expected)
        let want = try InProcessTrainer.run(expected, dataSet: dataSet)
        XCTAssertEqual(got, want, "the binary's trial differs from runTrial with the expected settings\nbinary:\n\(got)\nexpected:\n\(want)",
                       file: file, line: line)
        XCTAssertEqual(got.epochs.count, expected.config.epochs, "epochs recorded", file: file, line: line)

        var baseline = ContractExpectation.base
        (reference ?? { _ in })(&baseline)
        let defaultTrial = try InProcessTrainer.run(baseline, dataSet: dataSet)
        XCTAssertNotEqual(got, defaultTrial, "the key made no difference to the trial", file: file, line: line)
    }

    /// The base file itself trains what it says (and the comparison sees every epoch's numbers).
    func testBaseSweepTrainsItsSettings() throws {
        try assertContract({ _ in }, expect: { _ in }, reference: { $0.config.seed = 1 })
    }

    // MARK: epochs, batches, head

    func testEpochs() throws {
        try assertContract({ $0.epochs = "4" }, expect: { $0.config.epochs = 4 })
    }

    func testBatchSize() throws {
        try assertContract({ $0.batchSize = "12" }, expect: { $0.config.batchSize = 12 })
    }

    func testHeadDepth() throws {
        try assertContract({ $0.depth = "2" }, expect: { $0.config.depth = 2 })
    }

    func testHeadDepthSwept() throws {
        try assertContract({ $0.grid = [("depth", "[0]")] }, expect: { $0.config.depth = 0 })
    }

    func testDropout() throws {
        try assertContract({ $0.dropout = "0.1" }, expect: { $0.config.dropout = 0.1 })
    }

    func testDropoutSwept() throws {
        try assertContract({ $0.grid = [("dropout", "[0.6]")] }, expect: { $0.config.dropout = 0.6 })
    }

    // MARK: optimiser

    func testLearningRate() throws {
        try assertContract({ $0.optimizer = "{name: adam, lr: 0.004}" }, expect: { $0.config.optimizer = .adam(learningRate: 0.004) })
    }

    func testLearningRateSwept() throws {
        try assertContract({ $0.grid = [("lr", "[0.02]")] }, expect: { $0.config.optimizer = .adam(learningRate: 0.02) })
    }

    /// `search: random` over `{log_uniform: ...}`: the trainer gets the drawn lr (draw 0 of seed 5).
    func testLearningRateDrawnAtRandom() throws {
        let space = SearchSpace([SearchDimension(name: "lr", distribution: .logUniform(low: 0.002, high: 0.05))])
        let lr = RandomSampler(space: space, seed: 5).suggest(index: 0)[0]
        try assertContract({
            $0.grid = [("lr", "{log_uniform: [0.002, 0.05]}")]
            $0.extra = ["search: {method: random, trials: 1, seed: 5}"]
        }, expect: { $0.config.optimizer = .adam(learningRate: lr) })
    }

    /// `{int: ...}` draws reach the trainer too: depth from {int: [2, 3]} (seed 1, draw 0).
    func testHeadDepthDrawnAtRandom() throws {
        let space = SearchSpace([SearchDimension(name: "depth", distribution: .int(low: 2, high: 3, step: 1))])
        let depth = Int(RandomSampler(space: space, seed: 1).suggest(index: 0)[0])
        try assertContract({
            $0.grid = [("depth", "{int: [2, 3]}")]
            $0.extra = ["search: {method: random, trials: 1, seed: 1}"]
        }, expect: { $0.config.depth = depth })
    }

    func testWeightDecay() throws {
        try assertContract({ $0.optimizer = "{name: adam, lr: 0.001, weight_decay: 0.5}" },
                           expect: { $0.config.optimizer = .adam(learningRate: 0.001, weightDecay: 0.5) })
    }

    /// AdamW takes PyTorch's default decoupled weight decay 0.01 when the file gives none.
    func testAdamW() throws {
        try assertContract({ $0.optimizer = "{name: adamw, lr: 0.001}" },
                           expect: { $0.config.optimizer = .adamW(learningRate: 0.001, weightDecay: 0.01) })
    }

    func testAdamWWeightDecay() throws {
        try assertContract({ $0.optimizer = "{name: adamw, lr: 0.001, weight_decay: 0.3}" },
                           expect: { $0.config.optimizer = .adamW(learningRate: 0.001, weightDecay: 0.3) },
                           reference: { $0.config.optimizer = .adamW(learningRate: 0.001, weightDecay: 0.01) })
    }

    func testOptimizerSwept() throws {
        try assertContract({ $0.grid = [("optimizer", "[sgd]")] }, expect: { $0.config.optimizer = .sgd(learningRate: 0.001) })
    }

    func testSGDMomentum() throws {
        try assertContract({ $0.optimizer = "{name: sgd, lr: 0.05, momentum: 0.8}" },
                           expect: { $0.config.optimizer = .sgd(learningRate: 0.05, momentum: 0.8) },
                           reference: { $0.config.optimizer = .sgd(learningRate: 0.05) })
    }

    func testSGDNesterov() throws {
        try assertContract({ $0.optimizer = "{name: sgd, lr: 0.05, momentum: 0.8, nesterov: true}" },
                           expect: { $0.config.optimizer = .sgd(learningRate: 0.05, momentum: 0.8, nesterov: true) },
                           reference: { $0.config.optimizer = .sgd(learningRate: 0.05, momentum: 0.8) })
    }

    // MARK: schedule

    func testConstantSchedule() throws {
        try assertContract({ $0.schedule = "{name: constant}" }, expect: { $0.config.schedule = .constant })
    }

    func testStepSchedule() throws {
        try assertContract({ $0.schedule = "{name: step, step_size: 2, step: batch}" },
                           expect: { $0.config.schedule = .step(stepSize: 2, gamma: 0.1) },
                           reference: { $0.config.schedule = .constant })
    }

    func testStepScheduleGamma() throws {
        try assertContract({ $0.schedule = "{name: step, step_size: 2, gamma: 0.5, step: batch}" },
                           expect: { $0.config.schedule = .step(stepSize: 2, gamma: 0.5) },
                           reference: { $0.config.schedule = .step(stepSize: 2, gamma: 0.1) })
    }

    func testStepScheduleStepSize() throws {
        try assertContract({ $0.schedule = "{name: step, step_size: 5, step: batch}" },
                           expect: { $0.config.schedule = .step(stepSize: 5, gamma: 0.1) },
                           reference: { $0.config.schedule = .step(stepSize: 2, gamma: 0.1) })
    }

    func testCosineTMax() throws {
        try assertContract({ $0.schedule = "{name: cosine, t_max: 2, eta_min: 0.0001, step: batch}" },
                           expect: { $0.config.schedule = .cosine(tMax: 2, etaMin: 0.0001) })
    }

    func testCosineTMaxSwept() throws {
        try assertContract({ $0.grid = [("t_max", "[3]")] }, expect: { $0.config.schedule = .cosine(tMax: 3, etaMin: 0.0001) })
    }

    func testCosineEtaMin() throws {
        try assertContract({ $0.schedule = "{name: cosine, t_max: 5, eta_min: 0.01, step: batch}" },
                           expect: { $0.config.schedule = .cosine(tMax: 5, etaMin: 0.01) })
    }

    func testSchedulePerEpoch() throws {
        try assertContract({ $0.schedule = "{name: cosine, t_max: 5, eta_min: 0.0001, step: epoch}" },
                           expect: { $0.config.stepping = .epoch })
    }

    func testScheduleSwept() throws {
        try assertContract({ $0.grid = [("schedule", "[constant]")] }, expect: { $0.config.schedule = .constant })
    }

    // MARK: loss

    func testPosWeightNone() throws {
        try assertContract({ $0.loss = "{name: bce, pos_weight: none}" },
                           expect: { $0.loss = ("bce", ["pos_weight": .string("none")]) })
    }

    func testPosWeightList() throws {
        try assertContract({ $0.loss = "{name: bce, pos_weight: [1, 2, 3, 0.5, 4]}" },
                           expect: { $0.loss = ("bce", ["pos_weight": .numbers([1, 2, 3, 0.5, 4])]) })
    }

    func testFocalLoss() throws {
        try assertContract({ $0.loss = "{name: focal}" },
                           expect: { $0.loss = ("focal", ["alpha": .number(0.25), "gamma": .number(2)]) })
    }

    func testFocalLossParameters() throws {
        try assertContract({ $0.loss = "{name: focal, alpha: 0.6, gamma: 1}" },
                           expect: { $0.loss = ("focal", ["alpha": .number(0.6), "gamma": .number(1)]) },
                           reference: { $0.loss = ("focal", ["alpha": .number(0.25), "gamma": .number(2)]) })
    }

    func testLossParameterSwept() throws {
        try assertContract({ $0.loss = "{name: focal}"; $0.grid = [("loss.gamma", "[0.5]")] },
                           expect: { $0.loss = ("focal", ["alpha": .number(0.25), "gamma": .number(0.5)]) },
                           reference: { $0.loss = ("focal", ["alpha": .number(0.25), "gamma": .number(2)]) })
    }

    func testLossSwept() throws {
        try assertContract({ $0.loss = "{name: bce}"; $0.grid = [("loss", "[asl]")] },
                           expect: { $0.loss = ("asl", ["gamma_neg": .number(4), "gamma_pos": .number(1), "clip": .number(0.05),
                                                        "eps": .number(1e-8)]) })
    }

    func testAsymmetricLossParameters() throws {
        try assertContract({ $0.loss = "{name: asl, gamma_neg: 2, gamma_pos: 0, clip: 0.1}" },
                           expect: { $0.loss = ("asl", ["gamma_neg": .number(2), "gamma_pos": .number(0), "clip": .number(0.1),
                                                        "eps": .number(1e-8)]) },
                           reference: { $0.loss = ("asl", ["gamma_neg": .number(4), "gamma_pos": .number(1), "clip": .number(0.05),
                                                           "eps": .number(1e-8)]) })
    }

    /// A single-label loss turns the metrics' scores into a softmax over each row.
    func testCrossEntropyUsesSoftmaxScores() throws {
        try assertContract({ $0.loss = "{name: cross_entropy}" },
                           expect: { $0.loss = ("cross_entropy", [:]); $0.config.scores = .softmax })
    }

    // MARK: metrics, objective, threshold

    func testMetrics() throws {
        try assertContract({ $0.metrics = "[f1_samples, roc_auc_samples, hamming_loss, {name: precision_at_k, k: 2}]" },
                           expect: { $0.metrics += [("hamming_loss", [:]), ("precision_at_k", ["k": .number(2)])] })
    }

    func testObjectiveMetric() throws {
        try assertContract({ $0.objective = "{metric: roc_auc_samples, split: val, direction: max}" },
                           expect: { $0.config.objective = SweepTrain.Objective(metric: "roc_auc_samples", higherIsBetter: true) })
    }

    func testObjectiveDirection() throws {
        try assertContract({ $0.objective = "{metric: loss, split: val, direction: min}"; $0.epochs = "6" },
                           expect: { $0.config.objective = SweepTrain.Objective(metric: "loss", higherIsBetter: false); $0.config.epochs = 6 },
                           reference: { $0.config.objective = SweepTrain.Objective(metric: "loss", higherIsBetter: true); $0.config.epochs = 6 })
    }

    /// Long enough that the best epoch on the training split is not the best on validation
    /// (checked), so a runner measuring on the wrong split cannot give the same record.
    func testObjectiveOnTrainingSplit() throws {
        var onVal = ContractExpectation.base
        onVal.config.epochs = 8
        var onTrain = onVal
        onTrain.config.objective.onTrainingSplit = true
        XCTAssertNotEqual(try InProcessTrainer.run(onTrain, dataSet: dataSet).bestEpoch,
                          try InProcessTrainer.run(onVal, dataSet: dataSet).bestEpoch, "the test needs different best epochs")
        try assertContract({ $0.objective = "{metric: f1_samples, split: train, direction: max}"; $0.epochs = "8" },
                           expect: { $0.config.objective.onTrainingSplit = true; $0.config.epochs = 8 },
                           reference: { $0.config.epochs = 8 })
    }

    /// `last_epochs: 2`: the run keeps its last epoch and its objective is the mean of the last two.
    /// Long enough that the best epoch is not the last (checked), so a runner keeping the best
    /// epoch's weights cannot give the same record.
    func testObjectiveLastEpochs() throws {
        var best = ContractExpectation.base
        best.config.epochs = 8
        XCTAssertNotEqual(try InProcessTrainer.run(best, dataSet: dataSet).bestEpoch, 7, "the test needs a best epoch before the last")
        try assertContract({ $0.objective = "{metric: f1_samples, split: val, direction: max, last_epochs: 2}"; $0.epochs = "8" },
                           expect: { $0.config.keepLastEpoch = true; $0.objectiveLastEpochs = 2; $0.config.epochs = 8 },
                           reference: { $0.config.epochs = 8 })
    }

    /// The threshold reaches the metrics and the model card `sweep predict` uses.
    func testThreshold() throws {
        try assertContract({ $0.threshold = "0.6224593312018546" }, expect: { $0.config.threshold = 0.6224593312018546 })
        let card = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: resultsFolder("contract")
            .appendingPathComponent("best/model.json")))
        XCTAssertEqual(card["threshold"]?.number, 0.6224593312018546, "best/model.json's threshold")
    }

    func testThresholdSwept() throws {
        try assertContract({ $0.grid = [("threshold", "[0.3]")] }, expect: { $0.config.threshold = 0.3 })
    }

    /// One threshold per class reaches the metrics and the model card `sweep predict` uses.
    func testPerClassThresholds() throws {
        let list = [0.3, 0.6224593312018546, 0.5, 0.7, 0.45]
        try assertContract({ $0.threshold = "[0.3, 0.6224593312018546, 0.5, 0.7, 0.45]" },
                           expect: { $0.config.classThresholds = list })
        let card = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: resultsFolder("contract")
            .appendingPathComponent("best/model.json")))
        XCTAssertEqual((card["thresholds"]?.array ?? []).compactMap(\.number), list, "best/model.json's per-class thresholds")
    }

    func testPerClassThresholdsSwept() throws {
        try assertContract({ $0.grid = [("threshold", "[[0.3, 0.4, 0.5, 0.6, 0.7]]")] },
                           expect: { $0.config.classThresholds = [0.3, 0.4, 0.5, 0.6, 0.7] })
    }

    // MARK: seed and split

    func testSeed() throws {
        try assertContract({ $0.seed = "5" }, expect: { $0.config.seed = 5 })
    }

    func testValidationFraction() throws {
        try assertContract({ $0.validation = "0.45" }, expect: { $0.validation = 0.45 })
    }

    func testSplitSeed() throws {
        try assertContract({ $0.splitSeed = "3" }, expect: { $0.splitSeed = 3 })
    }

    /// A CSV data set (the shared images listed in reverse order, labels as 0/1 columns) trains
    /// on its own rows, labels and split.
    func testCSVDataSet() throws {
        let names = SharedDataSet.classNames
        let mat = try DataSets.load(dataSet.dataPath)
        var text = (["filename"] + names).joined(separator: ",") + "\n"
        for i in (0..<mat.count).reversed() {
            text += ([mat.imageURL(i).path] + mat.labels(i).map { "\($0)" }).joined(separator: ",") + "\n"
        }
        let csv = work.appendingPathComponent("reversed.csv").path
        try text.write(toFile: csv, atomically: true, encoding: .utf8)
        try assertContract({ $0.dataPath = csv }, expect: { $0.dataPath = csv })
    }

    func testStratifiedSplit() throws {
        try assertContract({ $0.stratified = "true" }, expect: { $0.stratified = true })
    }

    // MARK: runs: repeats, folds, test split

    /// Repeat 1 trains with the seed derived from the sweep's seed (31 bits of SHA-256 of
    /// `seed 0 repeat 1`, written here by hand), on the same split.
    func testRepeats() throws {
        let hex = ContentHasher.sha256Hex(Data("seed 0 repeat 1".utf8))
        let seed = UInt64((UInt32(hex.prefix(8), radix: 16) ?? 0) & 0x7fff_ffff)
        try assertContract({ $0.repeats = "2" }, expect: { $0.config.seed = seed }, trials: 2,
                           pick: { $0["repeat"]?.number == 1 })
    }

    /// `race: true` reaches the runner: of 2 configurations x 2 repeats only 3 runs are made
    /// (round 1: repeat 0 of each; round 2: repeat 1 of the better one alone), and that third run
    /// trains the winner's settings (its lr, worked out here by training both repeat-0 runs in this
    /// process) with repeat 1's seed.
    func testRaceGivesTheSecondRepeatToTheBetterConfigurationOnly() throws {
        let hex = ContentHasher.sha256Hex(Data("seed 0 repeat 1".utf8))
        let seed = UInt64((UInt32(hex.prefix(8), radix: 16) ?? 0) & 0x7fff_ffff)
        let lrs = [0.02, 0.0005]
        let firstRuns = try lrs.map { lr -> Double in
            var e = ContractExpectation.base
            e.config.optimizer = .adam(learningRate: lr)
            return try InProcessTrainer.run(e, dataSet: dataSet).objective ?? -.infinity
        }
        let winner = firstRuns[1] > firstRuns[0] ? lrs[1] : lrs[0]  // ties: the earlier configuration
        try assertContract({
            $0.grid = [("lr", "[0.02, 0.0005]")]
            $0.repeats = "2"
            $0.extra = ["race: true"]
        }, expect: {
            $0.config.optimizer = .adam(learningRate: winner)
            $0.config.seed = seed
        }, reference: { $0.config.optimizer = .adam(learningRate: winner) }, trials: 3, pick: { $0["repeat"]?.number == 1 })
    }

    /// Fold 1 of 3 validates on the second fold of the non-test rows and trains on the other two.
    func testFolds() throws {
        try assertContract({ $0.folds = "3" }, expect: { $0.folds = 3; $0.fold = 1 }, trials: 3,
                           pick: { $0["fold"]?.number == 1 })
    }

    /// With a test split the run trains and validates on the other rows only.
    func testTestSplit() throws {
        try assertContract({ $0.test = "0.25" }, expect: { $0.testFraction = 0.25 })
    }
}
