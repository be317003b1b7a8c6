import XCTest
import SweepPluginAPI
import SweepTensor
@testable import SweepTrain

/// Soft macro F1 over the batch (the formula of plugins/example_soft_f1), a whole-batch loss;
/// it logs every call's rows, whether a gradient was asked for, and the value.
struct LoggingSoftF1: LossPlugin {
    static let name = "logging_soft_f1"
    static let summary = "1 - soft macro F1 over the batch, logging its calls (tests only)"
    static let reduction = LossReduction.wholeBatch
    final class Log: @unchecked Sendable { var calls: [(rows: Int, gradient: Bool, value: Double)] = [] }
    let log = Log()
    init(parameters: PluginParameters, context: LossContext) throws {}

    func loss(logits: UnsafeBufferPointer<Float>, targets: UnsafeBufferPointer<Float>, rows: Int, columns: Int,
              gradient: UnsafeMutableBufferPointer<Float>?) -> Double {
        var tp = [Double](repeating: 0, count: columns), d = [Double](repeating: 1e-7, count: columns)
        for i in 0..<rows * columns {
            let p = LogitMath.sigmoid(Double(logits[i])), y = Double(targets[i])
            tp[i % columns] += p * y
            d[i % columns] += p + y
        }
        for i in 0..<rows * columns {
            let x = Double(logits[i]), y = Double(targets[i]), c = i % columns
            gradient?[i] = Float(-2 * (y * d[c] - tp[c]) / (d[c] * d[c]) * LogitMath.sigmoid(x) * LogitMath.sigmoid(-x) / Double(columns))
        }
        let value = 1 - (0..<columns).reduce(0.0) { $0 + 2 * tp[$1] / d[$1] } / Double(columns)
        log.calls.append((rows, gradient != nil, value))
        return value
    }
}

final class BatchLossTrainingTests: XCTestCase {
    override func setUp() { BLAS.setThreads(1) }

    /// Gradients come from each training batch; an epoch's training loss is the loss of all its
    /// rows at once (one call without a gradient over the 300 training rows), not a mean of the
    /// batches' values; the validation loss is the loss of the 100 validation rows; and the head
    /// learns (validation soft F1 and cell accuracy improve).
    func testWholeBatchLossTrainsAndReportsWholeEpochLosses() throws {
        let synthetic = SyntheticData(samples: 400, width: 64, classes: 4, seed: 3)
        let data = try synthetic.trialData(train: 300)
        var config = TrialConfig()
        config.epochs = 6
        config.batchSize = 32
        config.optimizer = .adam(learningRate: 0.01)
        config.schedule = .constant
        config.objective = Objective(metric: "cell_accuracy")
        let loss = try LoggingSoftF1(parameters: PluginParameters(), context: data.lossContext(classNames: ["a", "b", "c", "d"]))
        let result = try runTrial(data: data, config: config, loss: loss, metrics: [cellAccuracy()])
        XCTAssertEqual(result.state, .complete)
        XCTAssertEqual(result.epochs.count, 6)

        let calls = loss.log.calls.filter { $0.rows != 2 }   // (the zero-logit probe of 2 rows before training)
        let batchesPerEpoch = 10                              // 300 rows at 32: 9 of 32 and one of 12
        XCTAssertEqual(calls.count, 6 * (batchesPerEpoch + 2))
        for (e, epoch) in result.epochs.enumerated() {
            let slice = Array(calls[(e * (batchesPerEpoch + 2))..<((e + 1) * (batchesPerEpoch + 2))])
            XCTAssertEqual(slice.prefix(batchesPerEpoch).map(\.rows), [Int](repeating: 32, count: 9) + [12], "epoch \(e)")
            XCTAssertTrue(slice.prefix(batchesPerEpoch).allSatisfy(\.gradient), "training batches ask for the gradient")
            XCTAssertEqual(slice[batchesPerEpoch].rows, 300)
            XCTAssertFalse(slice[batchesPerEpoch].gradient)
            XCTAssertEqual(epoch.trainLoss, slice[batchesPerEpoch].value, "train loss = the loss of the whole epoch's logits")
            let batchMean = slice.prefix(batchesPerEpoch).reduce(0.0) { $0 + $1.value * Double($1.rows) } / 300
            XCTAssertNotEqual(epoch.trainLoss, batchMean, "not the row-weighted mean of the batch values")
            XCTAssertEqual(slice[batchesPerEpoch + 1].rows, 100)
            XCTAssertEqual(epoch.validationLoss, slice[batchesPerEpoch + 1].value)
        }
        let first = try XCTUnwrap(result.epochs.first), last = try XCTUnwrap(result.epochs.last)
        XCTAssertLessThan(last.validationLoss, first.validationLoss - 0.05, "validation soft F1 improves")
        XCTAssertLessThan(last.trainLoss, first.trainLoss)
        XCTAssertGreaterThan(last.validationMetrics["cell_accuracy"] ?? 0, first.validationMetrics["cell_accuracy"] ?? 1)
    }
}
