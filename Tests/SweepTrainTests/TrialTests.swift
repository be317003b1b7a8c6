import XCTest
import SweepPluginAPI
import SweepStandardPlugins
import SweepTensor
@testable import SweepTrain

/// A loss that behaves as `bce` until its `failAt`-th call, then returns NaN.
struct FailingLoss: LossPlugin {
    static let name = "failing_bce"
    static let summary = "bce that turns NaN after a number of calls (tests only)"
    final class Counter: @unchecked Sendable { var calls = 0 }
    let inner: BCEWithLogitsLoss
    let failAt: Int
    let counter = Counter()
    init(parameters: PluginParameters, context: LossContext) throws {
        inner = try BCEWithLogitsLoss(parameters: PluginParameters(), context: context)
        failAt = Int(parameters.number("fail_at", default: 1))
    }
    func loss(logits: UnsafeBufferPointer<Float>, targets: UnsafeBufferPointer<Float>, rows: Int, columns: Int,
              gradient: UnsafeMutableBufferPointer<Float>?) -> Double {
        counter.calls += 1
        let value = inner.loss(logits: logits, targets: targets, rows: rows, columns: columns, gradient: gradient)
        return counter.calls >= failAt ? .nan : value
    }
}

final class TrialTests: XCTestCase {
    override func setUp() { BLAS.setThreads(1) }

    let synthetic = SyntheticData(samples: 400, width: 64, classes: 4, seed: 3)

    func config(_ change: (inout TrialConfig) -> Void = { _ in }) -> TrialConfig {
        var c = TrialConfig()
        c.epochs = 4
        c.batchSize = 32
        c.objective = Objective(metric: "cell_accuracy")
        change(&c)
        return c
    }

    func run(_ c: TrialConfig, loss: (any LossPlugin)? = nil, onEpoch: ((EpochRecord) -> Void)? = nil) throws -> TrialResult {
        let data = try synthetic.trialData(train: 300)
        return try runTrial(data: data, config: c, loss: loss ?? synthetic.bce(data), metrics: [cellAccuracy()], onEpoch: onEpoch)
    }

    func withoutTimes(_ epochs: [EpochRecord]) -> [EpochRecord] {
        epochs.map { var e = $0; e.seconds = 0; return e }
    }

    func testSameSeedGivesBitIdenticalResults() throws {
        let a = try run(config())
        let b = try run(config())
        XCTAssertEqual(a.state, .complete)
        XCTAssertEqual(a.epochs.count, 4)
        XCTAssertEqual(withoutTimes(a.epochs), withoutTimes(b.epochs))
        XCTAssertEqual(a.bestEpoch, b.bestEpoch)
        XCTAssertNotNil(a.bestState)
        XCTAssertEqual(a.bestState, b.bestState)
        let c = try run(config { $0.seed = 1 })
        XCTAssertNotEqual(withoutTimes(a.epochs), withoutTimes(c.epochs))
    }

    func testBestEpochKeepsThatEpochsHead() throws {
        var records: [EpochRecord] = []
        let result = try run(config { $0.objective = Objective(metric: "loss", higherIsBetter: false); $0.epochs = 6 },
                             onEpoch: { records.append($0) })
        XCTAssertEqual(withoutTimes(records), withoutTimes(result.epochs))
        let best = try XCTUnwrap(result.bestEpoch)
        let losses = result.epochs.map(\.validationLoss)
        XCTAssertEqual(losses[best], losses.min())
        XCTAssertEqual(losses.firstIndex(of: losses.min()!), best)
        // the kept weights reproduce the best epoch's validation loss exactly
        let head = try Head(config: result.headConfig, state: try XCTUnwrap(result.bestState))
        let data = try synthetic.trialData(train: 300)
        let rows = data.validationIndices.count
        let logits = head.logits(features: synthetic.features.pointer + 300 * 64, rows: rows)
        let targets = synthetic.targets[(300 * 4)...].map(Float.init)
        let loss = try synthetic.bce(data)
        let value = logits.withUnsafeBufferPointer { l in
            targets.withUnsafeBufferPointer { loss.loss(logits: l, targets: $0, rows: rows, columns: 4, gradient: nil) }
        }
        XCTAssertEqual(value, result.epochs[best].validationLoss)
    }

    func testEpochLossesCoverTheWholeEpoch() throws {
        // depth 0 and learning rate 0: the head never changes, so the sample-weighted mean of the
        // batch losses must equal the loss of all training rows at once
        let result = try run(config { $0.depth = 0; $0.optimizer = .sgd(learningRate: 0); $0.schedule = .constant })
        let data = try synthetic.trialData(train: 300)
        let head = try Head(config: result.headConfig, seed: 0)
        let loss = try synthetic.bce(data)
        func lossOf(rows start: Int, _ count: Int) -> Double {
            let logits = head.logits(features: synthetic.features.pointer + start * 64, rows: count)
            let targets = synthetic.targets[(start * 4)..<((start + count) * 4)].map(Float.init)
            return logits.withUnsafeBufferPointer { l in
                targets.withUnsafeBufferPointer { loss.loss(logits: l, targets: $0, rows: count, columns: 4, gradient: nil) }
            }
        }
        let train = lossOf(rows: 0, 300), validation = lossOf(rows: 300, 100)
        for e in result.epochs {
            XCTAssertEqual(e.trainLoss, train, accuracy: 1e-6 * train)
            XCTAssertEqual(e.validationLoss, validation, accuracy: 1e-6 * validation)
        }
    }

    func testRecordedLearningRateFollowsTheStepping() throws {
        // 300 rows at batch 32: 10 steps an epoch
        for stepping in [ScheduleStepping.batch, .epoch] {
            let result = try run(config { $0.stepping = stepping; $0.schedule = .cosine(tMax: 3, etaMin: 1e-4) })
            var scheduler = LRScheduler(schedule: .cosine(tMax: 3, etaMin: 1e-4), baseRate: 1e-3)
            for e in result.epochs {
                // each step's rate: the scheduler's before it advances
                var used: [Double] = []
                for _ in 0..<10 {
                    used.append(scheduler.rate)
                    if stepping == .batch { scheduler.step() }
                }
                if stepping == .epoch { scheduler.step() }
                XCTAssertEqual(e.stepRates, used, "\(stepping) epoch \(e.epoch)")
                XCTAssertEqual(e.learningRate, scheduler.rate, "\(stepping) epoch \(e.epoch)")
            }
            for e in result.epochs {
                XCTAssertEqual(Set(e.stepRates).count > 1, stepping == .batch,
                               "\(stepping): the rate moves within an epoch only per batch: \(e.stepRates)")
            }
        }
    }

    /// Dropout reaches the trainer: masks change the trial (and are the same for the same seed).
    func testDropoutChangesTheTrialAndIsSeeded() throws {
        let none = try run(config { $0.dropout = 0 })
        let half = try run(config { $0.dropout = 0.5 })
        let again = try run(config { $0.dropout = 0.5 })
        XCTAssertNotEqual(withoutTimes(none.epochs), withoutTimes(half.epochs), "dropout 0.5 trains like dropout 0")
        XCTAssertEqual(withoutTimes(half.epochs), withoutTimes(again.epochs))
    }

    /// A loss that records the targets of every batch it is given (a row's targets fingerprint it).
    final class BatchSpy: LossPlugin, @unchecked Sendable {
        static let name = "batch_spy"
        static let summary = "bce recording its batches (tests only)"
        let inner: BCEWithLogitsLoss
        var batches: [[Float]] = []
        init(parameters: PluginParameters, context: LossContext) throws {
            inner = try BCEWithLogitsLoss(parameters: PluginParameters(), context: context)
        }
        func loss(logits: UnsafeBufferPointer<Float>, targets: UnsafeBufferPointer<Float>, rows: Int, columns: Int,
                  gradient: UnsafeMutableBufferPointer<Float>?) -> Double {
            if gradient != nil { batches.append(Array(targets.prefix(rows * columns))) }
            return inner.loss(logits: logits, targets: targets, rows: rows, columns: columns, gradient: gradient)
        }
    }

    /// Every epoch sees every training row once, in a new order drawn from the seed.
    func testTrainingRowsAreReshuffledEveryEpoch() throws {
        let data = try synthetic.trialData(train: 300)
        func epochsSeen(seed: UInt64) throws -> [[Float]] {
            let spy = try BatchSpy(parameters: PluginParameters(), context: data.lossContext(classNames: ["a", "b", "c", "d"]))
            _ = try runTrial(data: data, config: config { $0.seed = seed; $0.epochs = 3 }, loss: spy, metrics: [cellAccuracy()])
            XCTAssertEqual(spy.batches.count, 3 * 10, "10 batches of 32 (the last of 12) per epoch")
            return (0..<3).map { e in spy.batches[(e * 10)..<(e * 10 + 10)].flatMap { $0 } }
        }
        let seen = try epochsSeen(seed: 4)
        let rowsInOrder = data.trainIndices.flatMap { r in (0..<4).map { Float(synthetic.targets[r * 4 + $0]) } }
        func rows(_ flat: [Float]) -> [[Float]] { stride(from: 0, to: flat.count, by: 4).map { Array(flat[$0..<$0 + 4]) } }
        for epoch in seen {
            XCTAssertEqual(rows(epoch).map { "\($0)" }.sorted(), rows(rowsInOrder).map { "\($0)" }.sorted(), "each row once")
            XCTAssertNotEqual(epoch, rowsInOrder, "the training rows were not shuffled")
        }
        XCTAssertNotEqual(seen[0], seen[1], "the same order in two epochs")
        XCTAssertEqual(seen, try epochsSeen(seed: 4), "the order is the seed's")
        XCTAssertNotEqual(seen, try epochsSeen(seed: 5))
    }

    /// A metric that records every input it is given (training split first, then validation,
    /// each epoch).
    final class InputSpy: MetricPlugin, @unchecked Sendable {
        static let name = "input_spy"
        static let summary = "records its inputs (tests only)"
        static let higherIsBetter = true
        var inputs: [MetricInput] = []
        init(parameters: PluginParameters) throws {}
        func evaluate(_ input: MetricInput) -> Double { inputs.append(input); return 0 }
    }

    /// Metrics on the training split see the epoch's own training predictions (train mode, as
    /// made batch by batch, with dropout) against those rows' targets; on validation, the
    /// validation rows in order, at the trial's threshold.
    func testMetricsOnTheTrainingSplitUseTheEpochsTrainingPredictions() throws {
        let data = try synthetic.trialData(train: 300)
        let loss = try BatchLogitSpy(parameters: PluginParameters(), context: data.lossContext(classNames: ["a", "b", "c", "d"]))
        let spy = try InputSpy(parameters: PluginParameters())
        let result = try runTrial(data: data, config: config { $0.epochs = 2; $0.threshold = 0.4 }, loss: loss,
                                  metrics: [NamedMetric(name: "input_spy", metric: spy), try cellAccuracy()])
        XCTAssertEqual(result.epochs.count, 2)
        XCTAssertEqual(spy.inputs.count, 4, "train and validation, per epoch")
        for epoch in 0..<2 {
            let train = spy.inputs[2 * epoch], val = spy.inputs[2 * epoch + 1]
            let batches = loss.batches[(epoch * 10)..<(epoch * 10 + 10)]
            XCTAssertEqual(train.rows, 300)
            XCTAssertTrue(train.targets.map(Float.init) == batches.flatMap(\.targets), "epoch \(epoch): not the rows in the order trained")
            let logits: [Float] = batches.flatMap(\.logits)
            let expected: [Double] = logits.map { LogitMath.sigmoid(Double($0)) }
            let firstDifference: Int? = train.scores.indices.first { $0 >= expected.count || train.scores[$0] != expected[$0] }
            XCTAssertTrue(train.scores == expected, "epoch \(epoch): training scores are not the sigmoid of the epoch's "
                          + "training logits (first difference at \(String(describing: firstDifference)))")
            XCTAssertEqual(train.threshold, 0.4)
            XCTAssertEqual(val.rows, 100)
            XCTAssertTrue(val.targets == Array(synthetic.targets[(300 * 4)...]), "validation targets in validation order")
            XCTAssertEqual(val.threshold, 0.4)
        }
        // the recorded training metric is the one computed on those inputs
        for (epoch, e) in result.epochs.enumerated() {
            let input = spy.inputs[2 * epoch]
            XCTAssertEqual(e.trainMetrics["cell_accuracy"], try cellAccuracy().metric.evaluate(input))
        }
    }

    /// bce that records each training batch's logits and targets.
    final class BatchLogitSpy: LossPlugin, @unchecked Sendable {
        static let name = "batch_logit_spy"
        static let summary = "bce recording its training batches (tests only)"
        let inner: BCEWithLogitsLoss
        var batches: [(logits: [Float], targets: [Float])] = []
        init(parameters: PluginParameters, context: LossContext) throws {
            inner = try BCEWithLogitsLoss(parameters: PluginParameters(), context: context)
        }
        func loss(logits: UnsafeBufferPointer<Float>, targets: UnsafeBufferPointer<Float>, rows: Int, columns: Int,
                  gradient: UnsafeMutableBufferPointer<Float>?) -> Double {
            if gradient != nil { batches.append((Array(logits.prefix(rows * columns)), Array(targets.prefix(rows * columns)))) }
            return inner.loss(logits: logits, targets: targets, rows: rows, columns: columns, gradient: gradient)
        }
    }

    /// A metric every epoch ties on: the best epoch (and the head kept) is the first one, both
    /// when maximising and when minimising.
    struct ConstantMetric: MetricPlugin {
        static let name = "constant"
        static let summary = "always 0.5 (tests only)"
        static let higherIsBetter = true
        init(parameters: PluginParameters) throws {}
        func evaluate(_ input: MetricInput) -> Double { 0.5 }
    }

    func testTiedEpochsKeepTheEarliest() throws {
        let data = try synthetic.trialData(train: 300)
        let metric = NamedMetric(name: "constant", metric: try ConstantMetric(parameters: PluginParameters()))
        for higher in [true, false] {
            let result = try runTrial(data: data, config: config { $0.objective = Objective(metric: "constant", higherIsBetter: higher) },
                                      loss: synthetic.bce(data), metrics: [metric])
            XCTAssertEqual(result.epochs.count, 4)
            XCTAssertEqual(result.bestEpoch, 0, "maximise: \(higher)")
        }
    }

    func testExplodingLossEndsDivergedWithoutCrashing() throws {
        let exploded = try run(config { $0.optimizer = .adam(learningRate: 1e20) })
        XCTAssertEqual(exploded.state, .diverged)
        XCTAssertEqual(exploded.divergence, "training loss nan at epoch 0, batch 1")
        XCTAssertTrue(exploded.epochs.isEmpty)
        XCTAssertNil(exploded.bestEpoch)
        // a loss going NaN mid-trial keeps the completed epochs and their best head
        let data = try synthetic.trialData(train: 300)
        let failing = try FailingLoss(parameters: PluginParameters(["fail_at": .number(25)]),
                                      context: data.lossContext(classNames: ["a", "b", "c", "d"]))
        let late = try run(config(), loss: failing)
        XCTAssertEqual(late.state, .diverged)
        // 1 call for the column check, then 11 an epoch (10 batches + validation): call 25 is epoch 2, batch 1
        XCTAssertEqual(late.epochs.count, 2)
        XCTAssertEqual(late.divergence, "training loss nan at epoch 2, batch 1")
        XCTAssertNotNil(late.bestState)
        // the notebook's settings at learning rate 10: the loss explodes (finite, but far above
        // the untrained head's) and the trial ends diverged
        let wild = try run(config { $0.optimizer = .adam(learningRate: 10) })
        print("lr 10:", wild.state, wild.divergence ?? "-", wild.epochs.map(\.trainLoss))
        XCTAssertEqual(wild.state, .diverged)
        XCTAssertTrue(wild.divergence?.contains("x the initial loss") ?? false, wild.divergence ?? "")
        // the same run with the rule disabled goes to the end with finite losses
        let tolerated = try run(config { $0.optimizer = .adam(learningRate: 10); $0.divergenceFactor = 0 })
        XCTAssertEqual(tolerated.state, .complete)
        XCTAssertTrue(tolerated.epochs.allSatisfy { $0.trainLoss.isFinite && $0.validationLoss.isFinite })
    }

    func testBatchesNeverLeaveASingleSampleForBatchNorm() {
        let notebook = TrialLoop.batchRanges(count: 1400, batchSize: 128, mergeSingleton: true)
        XCTAssertEqual(notebook.count, 11)
        XCTAssertEqual(notebook.last, 1280..<1400)
        XCTAssertEqual(TrialLoop.batchRanges(count: 129, batchSize: 128, mergeSingleton: true), [0..<129])
        XCTAssertEqual(TrialLoop.batchRanges(count: 257, batchSize: 128, mergeSingleton: true), [0..<128, 128..<257])
        XCTAssertEqual(TrialLoop.batchRanges(count: 129, batchSize: 128, mergeSingleton: false), [0..<128, 128..<129])
        XCTAssertEqual(TrialLoop.batchRanges(count: 1, batchSize: 128, mergeSingleton: true), [0..<1])
    }

    func testTrialWithLastBatchOfOneRuns() throws {
        let data = try synthetic.trialData(train: 33)  // 32 + 1: merged into one batch of 33
        let result = try runTrial(data: data, config: config { $0.epochs = 2 }, loss: synthetic.bce(data), metrics: [cellAccuracy()])
        XCTAssertEqual(result.state, .complete)
    }

    func testInvalidSettingsFailBeforeTraining() throws {
        let data = try synthetic.trialData(train: 300)
        let loss = try synthetic.bce(data)
        XCTAssertThrowsError(try runTrial(data: data, config: config { $0.objective = Objective(metric: "f1_samples") },
                                          loss: loss, metrics: [cellAccuracy()])) {
            XCTAssertTrue("\($0)".contains("objective.metric"), "\($0)")
        }
        XCTAssertThrowsError(try runTrial(data: data, config: config { $0.epochs = 0 }, loss: loss, metrics: [cellAccuracy()])) {
            XCTAssertEqual($0 as? TrainError, .invalidConfig(property: "epochs", reason: "must be positive, got 0"))
        }
        XCTAssertThrowsError(try runTrial(data: data, config: config { $0.optimizer = .sgd(learningRate: 0.1, nesterov: true) },
                                          loss: loss, metrics: [cellAccuracy()]))
        var outside = data
        outside.validationIndices.append(400)
        XCTAssertThrowsError(try runTrial(data: outside, config: config(), loss: loss, metrics: [cellAccuracy()])) {
            XCTAssertTrue("\($0)".contains("row 400"), "\($0)")
        }
        var single = data
        single.trainIndices = [0]
        XCTAssertThrowsError(try runTrial(data: single, config: config(), loss: loss, metrics: [cellAccuracy()]))
    }

    func testSoftmaxScoresAreRowDistributions() {
        let logits: [Float] = [0, Float(log(3.0)), 1000, 1000]
        let scores = logits.withUnsafeBufferPointer { EpochScores.scores($0.baseAddress!, rows: 2, classes: 2, activation: .softmax) }
        XCTAssertEqual(scores[0], 0.25, accuracy: 1e-7)
        XCTAssertEqual(scores[1], 0.75, accuracy: 1e-7)
        XCTAssertEqual(scores[2], 0.5)
        XCTAssertEqual(scores[3], 0.5)
    }
}

extension TrialTests {
    func testLossBuiltForOtherClassesFailsBeforeTraining() throws {
        let data = try synthetic.trialData(train: 300)
        let threeClasses = try BCEWithLogitsLoss(parameters: PluginParameters(),
                                                 context: LossContext(classNames: ["a", "b", "c"], positives: [1, 1, 1], samples: 3))
        XCTAssertThrowsError(try runTrial(data: data, config: config(), loss: threeClasses, metrics: [cellAccuracy()])) {
            XCTAssertTrue("\($0)".hasPrefix("loss: 'bce' gives nan"), "\($0)")
        }
    }

    func testBatchOfOneWithBatchNormFailsBeforeTraining() throws {
        let data = try synthetic.trialData(train: 300)
        XCTAssertThrowsError(try runTrial(data: data, config: config { $0.batchSize = 1 }, loss: synthetic.bce(data),
                                          metrics: [cellAccuracy()])) {
            XCTAssertEqual($0 as? TrainError, .invalidConfig(property: "batch_size",
                                                              reason: "must be >= 2 with BatchNorm (depth 2), got 1"))
        }
        // without BatchNorm a batch of one is a valid setting
        XCTAssertNoThrow(try config { $0.batchSize = 1; $0.depth = 0 }.validate())
    }
}
