import Foundation
import XCTest
import SweepData
import SweepFeatureCache
import SweepModels
import SweepPluginAPI
import SweepPlugins
import SweepTensor
import SweepTrain
import SweepVision

/// The sweep file of a contract test: every training key written out as a YAML value, so a
/// test changes exactly one of them. Data: the shared tiny data set with random trunk weights.
struct ContractSweep {
    var name = "contract"
    /// The data set instead of the shared MIML folder (its format is read from the path).
    var dataPath: String?
    var validation = "0.3"
    var splitSeed = "0"
    var stratified = "false"
    var epochs = "3"
    var batchSize = "8"
    var depth = "1"
    var dropout = "0.3"
    var optimizer = "{name: adam, lr: 0.001}"
    var schedule = "{name: cosine, t_max: 5, eta_min: 0.0001, step: batch}"
    var loss = "{name: bce, pos_weight: auto}"
    var metrics = "[f1_samples, roc_auc_samples]"
    var objective = "{metric: f1_samples, split: val, direction: max}"
    var threshold = "0.5"
    var seed = "0"
    /// Grid keys and their value lists in YAML flow form, in file order (none by default).
    var grid: [(key: String, values: String)] = []
    /// More top-level lines (`search: ...`).
    var extra: [String] = []
    /// `repeats`, `data.folds`, `data.test` (written only when set).
    var repeats: String?
    var folds: String?
    var test: String?

    func text(dataPath: String, cachePath: String) -> String {
        """
        name: \(name)
        data:
          path: \(self.dataPath ?? dataPath)
          synthesize_if_missing: false
          validation: \(validation)
          split_seed: \(splitSeed)
          stratified: \(stratified)
        \(folds.map { "  folds: \($0)\n" } ?? "")\(test.map { "  test: \($0)\n" } ?? "")backbone: {name: resnet50, weights: random, cache: \(cachePath)}
        train:
          epochs: \(epochs)
          batch_size: \(batchSize)
          head: {depth: \(depth), dropout: \(dropout)}
          optimizer: \(optimizer)
          schedule: \(schedule)
          loss: \(loss)
          metrics: \(metrics)
          objective: \(objective)
          threshold: \(threshold)
        \(grid.isEmpty ? "" : "grid:\n" + grid.map { "  \($0.key): \($0.values)" }.joined(separator: "\n"))
        workers: 1
        seed: \(seed)
        retries: 0
        \(extra.joined(separator: "\n"))
        \(repeats.map { "repeats: \($0)" } ?? "")

        """
    }
}

/// What the trainer should be given, written by hand in SweepTrain's own terms (not derived
/// from the sweep file by sweep's code): the configuration, the loss and metrics, the split.
struct ContractExpectation {
    var config: SweepTrain.TrialConfig
    /// Loss plugin name and every one of its parameters, written out (no defaults filled in).
    var loss = (name: "bce", parameters: ["pos_weight": ParameterValue.string("auto")])
    /// Metric name and parameters, in the record's order.
    var metrics: [(name: String, parameters: [String: ParameterValue])] = [("f1_samples", [:]), ("roc_auc_samples", [:])]
    /// The data set trained on; nil: the shared MIML folder.
    var dataPath: String?
    var validation = 0.3
    var splitSeed: UInt64 = 0
    var stratified = false
    /// The test fraction carved first, the folds and the fold this run validates on.
    var testFraction = 0.0
    var folds = 0
    var fold: Int?
    /// `train.objective.last_epochs`: the run's objective is the mean of its last K epochs' values.
    var objectiveLastEpochs: Int?

    /// The settings `ContractSweep()` stands for.
    static var base: ContractExpectation {
        var c = SweepTrain.TrialConfig()
        c.depth = 1
        c.dropout = 0.3
        c.optimizer = .adam(learningRate: 0.001)
        c.schedule = .cosine(tMax: 5, etaMin: 0.0001)
        c.stepping = .batch
        c.epochs = 3
        c.batchSize = 8
        c.seed = 0
        c.threshold = 0.5
        c.objective = SweepTrain.Objective(metric: "f1_samples", higherIsBetter: true)
        c.scores = .sigmoid
        return ContractExpectation(config: c)
    }
}

/// One epoch as compared: every number of the record except wall time.
struct ComparedEpoch: Equatable, CustomStringConvertible {
    var epoch: Int
    var lr: Double
    var lrs: [Double]
    var train: [String: Double]
    var val: [String: Double]

    /// NaN equals NaN here (a metric undefined on both sides is the same result).
    static func == (a: ComparedEpoch, b: ComparedEpoch) -> Bool {
        func same(_ x: Double, _ y: Double) -> Bool { x == y || (x.isNaN && y.isNaN) }
        func sameMap(_ x: [String: Double], _ y: [String: Double]) -> Bool {
            Set(x.keys) == Set(y.keys) && x.allSatisfy { key, v in y[key].map { same(v, $0) } ?? false }
        }
        return a.epoch == b.epoch && same(a.lr, b.lr) && a.lrs.count == b.lrs.count
            && zip(a.lrs, b.lrs).allSatisfy(same) && sameMap(a.train, b.train) && sameMap(a.val, b.val)
    }

    var description: String {
        func show(_ m: [String: Double]) -> String { m.keys.sorted().map { "\($0)=\(m[$0] ?? .nan)" }.joined(separator: " ") }
        return "epoch \(epoch) lr \(lr) lrs \(lrs) | train \(show(train)) | val \(show(val))"
    }
}

/// A trial's result reduced to what is compared: state, epochs, best epoch and its value.
struct ComparedTrial: Equatable, CustomStringConvertible {
    var state: String
    var epochs: [ComparedEpoch]
    var bestEpoch: Int?
    var objective: Double?

    static func == (a: ComparedTrial, b: ComparedTrial) -> Bool {
        let sameObjective = a.objective == b.objective || (a.objective?.isNaN == true && b.objective?.isNaN == true)
        return a.state == b.state && a.epochs == b.epochs && a.bestEpoch == b.bestEpoch && sameObjective
    }

    var description: String {
        "\(state), best epoch \(bestEpoch.map(String.init) ?? "-") = \(objective.map { "\($0)" } ?? "-")\n"
            + epochs.map { "  \($0)" }.joined(separator: "\n")
    }

    /// A record of `trials.jsonl`, read without SweepCore.
    init(record: JSONValue) {
        state = record["state"]?.string ?? "?"
        bestEpoch = record["best_epoch"]?.number.map { Int($0) }
        objective = record["objective"]?.number
        epochs = (record["epochs"]?.array ?? []).map { e in
            func numbers(_ v: JSONValue?) -> [String: Double] {
                guard case .object(let o)? = v else { return [:] }
                return o.compactMapValues(\.number)
            }
            return ComparedEpoch(epoch: Int(e["epoch"]?.number ?? -1), lr: e["lr"]?.number ?? .nan,
                                 lrs: (e["lrs"]?.array ?? []).compactMap(\.number),
                                 train: numbers(e["train"]), val: numbers(e["val"]))
        }
    }

    /// What `runTrial` returned, with `objective` the best epoch's value of `metric` on its split.
    init(result: TrialResult, objective: SweepTrain.Objective) {
        state = result.state == .complete ? "complete" : "diverged"
        epochs = result.epochs.map { r in
            var train = r.trainMetrics, val = r.validationMetrics
            train["loss"] = r.trainLoss
            val["loss"] = r.validationLoss
            return ComparedEpoch(epoch: r.epoch, lr: r.learningRate, lrs: r.stepRates, train: train, val: val)
        }
        bestEpoch = result.bestEpoch
        let best = epochs.first { $0.epoch == result.bestEpoch }
        self.objective = best.flatMap { objective.onTrainingSplit ? $0.train[objective.metric] : $0.val[objective.metric] }
    }
}

/// Trains in this process exactly what an expectation says, on the shared data set's cached
/// features: the reference a trial of the binary must equal bit for bit (one BLAS thread).
enum InProcessTrainer {
    struct Failure: Error, CustomStringConvertible { var description: String }

    static func run(_ e: ContractExpectation, dataSet: SharedDataSet) throws -> ComparedTrial {
        let result = try train(e, dataSet: dataSet)
        var compared = ComparedTrial(result: result, objective: e.config.objective)
        if let k = e.objectiveLastEpochs {
            var sum = 0.0, n = 0
            for epoch in compared.epochs.suffix(k) {
                if let v = e.config.objective.onTrainingSplit ? epoch.train[e.config.objective.metric] : epoch.val[e.config.objective.metric] {
                    sum += v
                    n += 1
                }
            }
            compared.objective = n == 0 ? nil : sum / Double(n)
        }
        return compared
    }

    /// `runTrial`'s whole result for `e`; with `refit` on every non-test row (train and
    /// validation rows in that order, validated on the same rows), as the refit trains.
    static func train(_ e: ContractExpectation, dataSet: SharedDataSet, refit: Bool = false) throws -> TrialResult {
        BLAS.setThreads(1)
        let images = try DataSets.load(e.dataPath ?? dataSet.dataPath)
        let split = try DataSplit.make(images, method: e.stratified ? .iterativeStratification : .random,
                                       validationFraction: e.validation, seed: e.splitSeed,
                                       testFraction: e.testFraction, folds: e.folds)
        let all = split.trainIndices + split.validationIndices
        let rows = refit ? (train: all, validation: all) : split.rows(fold: e.fold)
        let identity = TrunkFeatureExtractor.identity(weights: try WeightsSource.random(seed: 0).identity(),
                                                      preprocessing: .imagenet)
        let paths = (0..<images.count).map { images.imageURL($0).path }
        let key = try FeatureCacheKey(imagePaths: paths, identity: identity, featureCount: ResNet50Layout.featureCount)
        let features = try FeatureCache(directory: URL(fileURLWithPath: dataSet.cachePath)).open(key: key.value)
        let data = TrialData(features: FeatureMatrix(base: features.pointer, rows: features.rows, columns: features.columns,
                                                     owner: features),
                             targets: images.targets, classes: images.classCount,
                             trainIndices: rows.train, validationIndices: rows.validation)
        let catalog = try AllPlugins.catalog()
        let loss = try catalog.loss(named: e.loss.name).init(parameters: PluginParameters(e.loss.parameters),
                                                             context: data.lossContext(classNames: images.classNames))
        let metrics = try e.metrics.map { m in
            NamedMetric(name: m.name, metric: try catalog.metric(named: m.name).init(parameters: PluginParameters(m.parameters)))
        }
        return try runTrial(data: data, config: e.config, loss: loss, metrics: metrics)
    }
}
