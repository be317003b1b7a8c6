import Foundation
import SweepData
import SweepFeatureCache
import SweepPlugins
import SweepPluginAPI
import SweepTensor
import SweepTrain

/// The notebook's trial (depth 2, dropout 0.3, Adam 1e-3, cosine T_max 5 eta_min 5e-3 per
/// batch, batch 128, 10 epochs) on cached features, one thread.
func notebookTrialSeconds(features: CachedFeatures, targets: [UInt8], classNames: [String],
                          train: [Int], validation: [Int]) throws -> (total: Double, perEpoch: Double) {
    BLAS.setThreads(1)
    let data = TrialData(features: FeatureMatrix(base: features.pointer, rows: features.rows, columns: features.columns, owner: features),
                         targets: targets, classes: classNames.count, trainIndices: train, validationIndices: validation)
    let catalog = try AllPlugins.catalog()
    let lossType = try catalog.loss(named: "bce")
    let loss = try lossType.init(parameters: try PluginParameters(resolving: [:], against: lossType.parameters, plugin: "bce"),
                                 context: data.lossContext(classNames: classNames))
    let metrics = try ["f1_samples", "roc_auc_samples"].map { name in
        NamedMetric(name: name, metric: try catalog.metric(named: name).init(parameters: PluginParameters()))
    }
    var config = SweepTrain.TrialConfig()  // the notebook's settings are the defaults
    config.epochs = 10
    var result: TrialResult?
    let t = try bestTime(repeats: 2) { result = try runTrial(data: data, config: config, loss: loss, metrics: metrics) }
    let epochs = Double(result?.epochs.count ?? 10)
    return (t, t / epochs)
}
