/// A small sweep file for the tests: the shared data set, batch 8, a few epochs, a small grid.
struct SweepFileText {
    var name: String
    var dataPath: String
    var cachePath: String
    /// `data.format`; nil leaves it out (inferred from the path).
    var format: String? = "miml"
    /// `data.synthesize_if_missing`; nil leaves it out (default false).
    var synthesizeIfMissing: Bool? = false
    var validation = "0.3"
    var stratified = false
    /// `random`, or `imagenet` (with the fallback below).
    var weights = "random"
    /// `backbone.fallback`; nil leaves it out (default error).
    var fallback: String? = "random"
    var metrics = "[f1_samples, roc_auc_samples]"
    /// False leaves `backbone.cache` out (the default: cache/ in the results folder).
    var writeCache = true
    /// Top-level lines appended as they are (e.g. `keep: 2`).
    var extra: [String] = []
    /// Lines of `data:` appended as they are (e.g. `test: 0.2`).
    var dataExtra: [String] = []
    var epochs = 2
    var batchSize = 8
    var depth = 1
    var lr = "0.001"
    /// e.g. `{metric: f1_samples, split: val, direction: max}`.
    var objective = "{metric: f1_samples, split: val, direction: max}"
    /// `train.loss` in YAML flow form.
    var loss = "{name: bce, pos_weight: auto}"
    /// Grid keys and their value lists in YAML flow form, in file order.
    var grid: [(key: String, values: String)] = [("lr", "[0.0001, 0.01]"), ("depth", "[1, 2]")]
    var workers = 2
    var retries = 1
    var trialTimeout: Double = 600
    /// The `executor:` mapping in YAML flow form, e.g. `{kind: slurm, max_concurrent: 2}`; nil: none.
    var executor: String?

    init(name: String, dataPath: String, cachePath: String) {
        self.name = name
        self.dataPath = dataPath
        self.cachePath = cachePath
    }

    /// The YAML text.
    var text: String {
        """
        name: \(name)
        data:
        \(format.map { "  format: \($0)\n" } ?? "")  path: \(dataPath)
        \(synthesizeIfMissing.map { "  synthesize_if_missing: \($0)\n" } ?? "")  validation: \(validation)
          split_seed: 0
          stratified: \(stratified)
        \(dataExtra.map { "  " + $0 + "\n" }.joined())backbone:
          name: resnet50
          weights: \(weights)
        \(fallback.map { "  fallback: \($0)\n" } ?? "")\(writeCache ? "  cache: \(cachePath)" : "  # cache: the default, <results>/cache")
        train:
          epochs: \(epochs)
          batch_size: \(batchSize)
          head: {depth: \(depth), dropout: 0.3}
          optimizer: {name: adam, lr: \(lr)}
          schedule: {name: cosine, t_max: 5, eta_min: 0.0001, step: batch}
          loss: \(loss)
          metrics: \(metrics)
          objective: \(objective)
          threshold: 0.5
        grid:
        \(grid.map { "  \($0.key): \($0.values)" }.joined(separator: "\n"))
        workers: \(workers)
        seed: 0
        retries: \(retries)
        trial_timeout: \(trialTimeout)
        \(extra.map { $0 + "\n" }.joined())
        \(executor.map { "executor: \($0)" } ?? "")
        """
    }
}
