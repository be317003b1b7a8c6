/// The table of every sweep-file key: where it is, what it takes, its default and meaning, and
/// how the decoder reads it. `SpecDecoder` walks the file with it (allowed keys, rules,
/// setters) and `sweep schema` prints it, so the two cannot disagree. Adding a key is one
/// entry here (a training parameter: one entry in `TrainParameters.all`) plus its field.

/// One key of the sweep file.
struct SpecKey {
    /// How the decoder reads the key.
    enum Reading {
        /// A value checked by the rule and stored by the setter.
        case value(ValueRule, set: @Sendable (inout SweepSpec, SweptValue) -> Void)
        /// A mapping of the keys below it; a plain word is short for its key `shorthand`.
        case section(shorthand: String?)
        /// Read by its own code: `name`, plugin choices, the metric list, the objective, the grid.
        case custom(type: String)
    }

    /// The dotted key path, e.g. `data.validation`.
    let path: String
    let reading: Reading
    /// The default as shown to users.
    let defaultText: String
    /// What it means, including what a path is relative to.
    let meaning: String
    /// The `grid:` name when the key can be swept.
    var gridName: String? = nil

    /// The key's last component, as written in its section.
    var key: String { String(path.split(separator: ".").last ?? "") }

    /// The path of the section holding it (`""` for top-level keys).
    var parent: String {
        guard let dot = path.lastIndex(of: ".") else { return "" }
        return String(path[..<dot])
    }

    /// The type column of `sweep schema`.
    var typeText: String {
        switch reading {
        case .value(let rule, _): return rule.text
        case .section(let shorthand): return shorthand.map { "mapping (or a word: its \($0))" } ?? "mapping"
        case .custom(let type): return type
        }
    }
}

extension SpecKey.Reading {
    /// A value that is one of `E`'s raw values (listed in errors and `sweep schema`), stored by `set`.
    static func choice<E: RawRepresentable & CaseIterable & SendableMetatype>(_ type: E.Type, set: @escaping @Sendable (inout SweepSpec, E) -> Void)
        -> Self where E.RawValue == String {
        .value(.choice(E.allCases.map(\.rawValue))) { spec, value in
            if let e = E(rawValue: value.string ?? "") { set(&spec, e) }
        }
    }

    /// A true/false value, stored by `set`.
    static func flag(set: @escaping @Sendable (inout SweepSpec, Bool) -> Void) -> Self {
        .value(.boolean) { spec, value in
            if case .bool(let b) = value { set(&spec, b) }
        }
    }
}

enum SpecSchema {
    private static let positive = Bound(value: 0, inclusive: false)

    /// Every key, in the order `sweep schema` lists them.
    static let keys: [SpecKey] = {
        var keys: [SpecKey] = [
            SpecKey(path: "name", reading: .custom(type: "word of letters, digits, _ . -"), defaultText: "required",
                    meaning: "the sweep's name: its results go to <results>/<name>/ (results/ unless `sweep run --results` says otherwise)"),
            SpecKey(path: "data", reading: .section(shorthand: nil), defaultText: "",
                    meaning: "the images, their labels and the train/validation split"),
            SpecKey(path: "data.path", reading: .value(.path) { $0.data.path = $1.string ?? $0.data.path }, defaultText: "data/miml",
                    meaning: "the data set: a .csv file (see `CSV data sets` in the README) or a MIML folder; relative to the "
                        + "working directory sweep runs in, not to the sweep file"),
            SpecKey(path: "data.format", reading: .choice(DataSpec.Format.self) { $0.data.format = $1 }, defaultText: "from data.path",
                    meaning: "csv (a .csv file) or miml (a folder holding `miml data.mat` and original_images/); by default "
                        + "a path ending in .csv is csv and a folder with `miml data.mat` is miml"),
            SpecKey(path: "data.synthesize_if_missing", reading: .flag { $0.data.synthesizeIfMissing = $1 }, defaultText: "false",
                    meaning: "when data.path does not exist, generate the SYNTHETIC MIML stand-in there (2000 drawn scenes, "
                        + "said in the log and the results); miml only. Off: a missing path is an error"),
            SpecKey(path: "data.validation", reading: .value(.real(lower: positive, upper: Bound(value: 1, inclusive: false))) {
                        $0.data.validation = $1.number ?? $0.data.validation
                    },
                    defaultText: "0.3", meaning: "share of the images held out for validation: int(N x validation) of them"),
            SpecKey(path: "data.split_seed", reading: .value(.integer(min: 0)) { $0.data.splitSeed = $1.integer }, defaultText: "0",
                    meaning: "seed of the train/validation split"),
            SpecKey(path: "data.stratified", reading: .flag { $0.data.stratified = $1 }, defaultText: "false",
                    meaning: "iterative stratification (Sechidis et al. 2011, rows visited in a seeded random order) "
                        + "instead of torch's random_split (the notebook's); also for the test split and the folds"),
            SpecKey(path: "data.test", reading: .value(.real(lower: Bound(value: 0, inclusive: true), upper: Bound(value: 1, inclusive: false))) {
                        $0.data.test = $1.number ?? $0.data.test
                    },
                    defaultText: "0",
                    meaning: "share of the images held out as a test split, carved first (seeded by split_seed, recorded in "
                        + "split.json): no trial sees it; only the chosen configuration is evaluated on it, into final.json. 0: none"),
            SpecKey(path: "data.folds", reading: .value(.integer(min: 0)) { $0.data.folds = $1.integer }, defaultText: "0",
                    meaning: "k >= 2: k-fold cross-validation of the non-test images (seeded by split_seed, stratified "
                        + "when stratified is true) replacing the validation split; every configuration runs once per fold "
                        + "(and repeat). 0: the single validation split"),
            SpecKey(path: "backbone", reading: .section(shorthand: nil), defaultText: "", meaning: "the frozen trunk whose features are cached"),
            SpecKey(path: "backbone.name", reading: .value(.choice(["resnet50"])) { $0.backbone.name = $1.string ?? $0.backbone.name },
                    defaultText: "resnet50", meaning: "the trunk"),
            SpecKey(path: "backbone.weights", reading: .value(.weights) { $0.backbone.weights = BackboneSpec.Weights($1.string ?? "") },
                    defaultText: "imagenet",
                    meaning: "imagenet: torchvision's resnet50-0676ba61.pth from $TORCH_HOME/hub/checkpoints (default "
                        + "~/.cache/torch/hub/checkpoints); random or random:SEED: seeded random weights; or a .pth/.safetensors "
                        + "file, relative to the working directory"),
            SpecKey(path: "backbone.fallback", reading: .choice(BackboneSpec.Fallback.self) { $0.backbone.fallback = $1 },
                    defaultText: "error",
                    meaning: "when the imagenet file is not found: error (stop before any work, saying where it looked) or "
                        + "random (use random weights, said in the log and the results)"),
            SpecKey(path: "backbone.precision", reading: .choice(BackboneSpec.Precision.self) { $0.backbone.precision = $1 },
                    defaultText: "fp32",
                    meaning: "what the trunk computes in: fp32, or bf16 (oneDNN, needs a CPU with AVX-512 BF16; about "
                        + "2x faster, features within about 3% of the largest; part of the feature-cache key and, for bf16, of "
                        + "the trial ids)"),
            SpecKey(path: "backbone.cache", reading: .value(.path) { $0.backbone.cache = $1.string ?? $0.backbone.cache },
                    defaultText: "<results>/cache",
                    meaning: "folder of the trunk-feature cache, relative to the working directory; by default cache/ in the "
                        + "results folder, so `sweep run --results DIR` moves it too"),
            SpecKey(path: "train", reading: .section(shorthand: nil), defaultText: "",
                    meaning: "the training settings every trial shares; grid values are applied on top of them"),
        ]
        for p in TrainParameters.all where !p.path.hasPrefix("train.loss.") {
            for section in ["train.head", "train.optimizer", "train.schedule"] where p.path.hasPrefix(section + ".")
                && !keys.contains(where: { $0.path == section }) {
                keys.append(SpecKey(path: section, reading: .section(shorthand: section == "train.head" ? nil : "name"), defaultText: "",
                                    meaning: ["train.head": "the MLP head on the trunk features",
                                              "train.optimizer": "the optimiser and its hyperparameters",
                                              "train.schedule": "the learning-rate schedule"][section] ?? ""))
            }
            keys.append(SpecKey(path: p.path, reading: .value(p.rule) { spec, value in p.set(&spec.train, value) },
                                defaultText: p.defaultText, meaning: p.meaning, gridName: p.name))
            if p.path == "train.schedule.step" {
                keys += pluginKeys
            }
        }
        keys += [
            SpecKey(path: "grid", reading: .custom(type: "mapping of training parameters to lists of values or distributions"),
                    defaultText: "none",
                    meaning: "the parameters to sweep (those with a grid name below, or loss.<parameter>), each a list of "
                        + "values or (with search.method random or tpe) a distribution: {uniform: [a, b]}, {log_uniform: [a, b]}, "
                        + "{int: [a, b], step: s}, {log_int: [a, b]}; with the grid method every combination is a trial, the "
                        + "first key varying slowest"),
            SpecKey(path: "space", reading: .custom(type: "mapping, as grid"), defaultText: "none",
                    meaning: "another name for grid (one of the two)"),
            SpecKey(path: "search", reading: .section(shorthand: "method"), defaultText: "{method: grid}",
                    meaning: "how the trials' values are chosen from grid (see Search in the README)"),
            SpecKey(path: "search.method", reading: .choice(SearchSettings.Method.self) { $0.search.method = $1 }, defaultText: "grid",
                    meaning: "grid: every combination of the lists; random: independent seeded draws (log-uniform for log "
                        + "distributions); tpe: the tree-structured Parzen estimator as Optuna's TPESampler (10 random startup "
                        + "trials, then proposals from the recorded trials)"),
            SpecKey(path: "search.trials", reading: .value(.integer(min: 1)) { $0.search.trials = $1.integer }, defaultText: "20",
                    meaning: "trials drawn (random, tpe)"),
            SpecKey(path: "search.seed", reading: .value(.integer(min: 0)) { $0.search.seed = $1.integer }, defaultText: "0",
                    meaning: "seed of the draws: trial i's values depend only on it and i, so a resumed search continues the "
                        + "same sequence"),
            SpecKey(path: "search.time_budget", reading: .value(.real(lower: positive, upper: Bound(value: 1e9, inclusive: true))) {
                        $0.search.timeBudget = $1.number
                    },
                    defaultText: "none", meaning: "seconds after which no new trial starts (those running finish)"),
            SpecKey(path: "pruner", reading: .section(shorthand: "method"), defaultText: "{method: none}",
                    meaning: "stopping trials early on the objective's per-epoch value; a stopped trial is recorded as pruned"),
            SpecKey(path: "pruner.method", reading: .choice(PrunerSettings.Method.self) { $0.pruner.method = $1 }, defaultText: "none",
                    meaning: "none; asha: asynchronous successive halving (Li et al. 2020, as Optuna's SuccessiveHalvingPruner); "
                        + "median: Optuna's MedianPruner (stop when the best value so far is worse than the complete trials' "
                        + "median at the same epoch)"),
            SpecKey(path: "pruner.min_resource", reading: .value(.integer(min: 1)) { $0.pruner.minResource = $1.integer },
                    defaultText: "1", meaning: "asha: epochs of the first rung (rung r at min_resource x reduction_factor^r)"),
            SpecKey(path: "pruner.reduction_factor", reading: .value(.integer(min: 2)) { $0.pruner.reductionFactor = $1.integer },
                    defaultText: "3", meaning: "asha: the top 1/reduction_factor of the values at a rung go on"),
            SpecKey(path: "pruner.startup_trials", reading: .value(.integer(min: 0)) { $0.pruner.startupTrials = $1.integer },
                    defaultText: "5", meaning: "median: complete trials before any is pruned"),
            SpecKey(path: "pruner.warmup_epochs", reading: .value(.integer(min: 0)) { $0.pruner.warmupEpochs = $1.integer },
                    defaultText: "0", meaning: "median: epochs before the first decision"),
            SpecKey(path: "pruner.interval", reading: .value(.integer(min: 1)) { $0.pruner.interval = $1.integer },
                    defaultText: "1", meaning: "median: epochs between two decisions"),
            SpecKey(path: "workers", reading: .value(.integer(min: 1)) { $0.workers = $1.integer }, defaultText: "the number of cores",
                    meaning: "parallel worker processes"),
            SpecKey(path: "seed", reading: .value(.integer(min: 0)) { $0.seed = $1.integer }, defaultText: "0",
                    meaning: "every trial's seed (head initialisation, shuffling, dropout): trials differ only by their parameters"),
            SpecKey(path: "retries", reading: .value(.integer(min: 0)) { $0.retries = $1.integer }, defaultText: "1",
                    meaning: "extra attempts for a trial whose worker crashed, was killed or timed out"),
            SpecKey(path: "trial_timeout", reading: .value(.real(lower: positive, upper: Bound(value: 1e9, inclusive: true))) {
                        $0.trialTimeout = $1.number ?? $0.trialTimeout
                    },
                    defaultText: "600", meaning: "seconds a trial attempt may run before its worker is killed"),
            SpecKey(path: "keep", reading: .value(.integer(min: 1)) { $0.keep = $1.integer }, defaultText: "1",
                    meaning: "checkpoints kept: the heads of every run of the `keep` best configurations, in checkpoints/<id>/ "
                        + "(best links the refit model or the chosen configuration's best run)"),
            SpecKey(path: "repeats", reading: .value(.integer(min: 1)) { $0.repeats = $1.integer }, defaultText: "1",
                    meaning: "runs of every configuration (and fold), each with its own seed derived from seed and the "
                        + "repeat index (repeat 0 uses seed); raising it on a finished sweep runs only the new repeats"),
            SpecKey(path: "race", reading: .flag { $0.race = $1 }, defaultText: "false",
                    meaning: "true (with repeats or data.folds > 1, grid or random search): race the configurations over "
                        + "their runs in rounds, successive halving: round k gives every configuration still racing 2^k runs "
                        + "(the same seeds/folds for all), then only the best half by mean (rounded up) go on; the winner gets "
                        + "every run. leaderboard.csv says how many runs each got and why it stopped"),
            SpecKey(path: "rank_by", reading: .choice(SweepSpec.RankBy.self) { $0.rankBy = $1 }, defaultText: "mean",
                    meaning: "what ranks the configurations in leaderboard.csv: mean (the mean objective over their runs) "
                        + "or lower_bound (the cautious end of its 95% t interval: lower for max, upper for min)"),
            SpecKey(path: "refit", reading: .flag { $0.refit = $1 }, defaultText: "true when repeats or data.folds > 1",
                    meaning: "true: train the chosen configuration once more on all non-test images for its mean best "
                        + "epoch count, and make that model best/; false: best/ is the chosen configuration's best run"),
        ]
        keys += executorKeys
        return keys
    }()

    /// `executor:` and its keys, read by `SpecDecoder.decodeExecutor`. Not part of any trial's id.
    private static let executorKeys: [SpecKey] = [
        SpecKey(path: "executor", reading: .custom(type: "mapping"), defaultText: "{kind: local}",
                meaning: "where the trials and the feature extraction run (also `sweep run --executor`); see Slurm in the README"),
        SpecKey(path: "executor.kind", reading: .custom(type: "one of local, slurm"), defaultText: "local",
                meaning: "local: `workers` worker processes here; slurm: a pool of worker jobs pulling trials from the "
                    + "results folder, feature extraction as an array of shard tasks"),
        SpecKey(path: "executor.partition", reading: .custom(type: "word"), defaultText: "the cluster's default",
                meaning: "sbatch --partition"),
        SpecKey(path: "executor.time", reading: .custom(type: "Slurm time (MM, HH:MM:SS, D-HH:MM, ...)"),
                defaultText: "the partition's default", meaning: "sbatch --time of each job"),
        SpecKey(path: "executor.cpus_per_task", reading: .custom(type: "integer >= 1"), defaultText: "1",
                meaning: "sbatch --cpus-per-task, also each worker's BLAS threads"),
        SpecKey(path: "executor.mem", reading: .custom(type: "memory size (4G, 500M, 2048)"), defaultText: "the partition's default",
                meaning: "sbatch --mem"),
        SpecKey(path: "executor.max_concurrent", reading: .custom(type: "integer >= 1"), defaultText: "4",
                meaning: "worker jobs (and extraction tasks) at once, at most"),
        SpecKey(path: "executor.extra_args", reading: .custom(type: "list of sbatch options"), defaultText: "[]",
                meaning: "more sbatch options, e.g. [--account=lab, --qos=short]; options sweep sets itself are refused"),
        SpecKey(path: "executor.shards", reading: .custom(type: "integer >= 1"), defaultText: "the value of max_concurrent",
                meaning: "array tasks the feature extraction is split into"),
        SpecKey(path: "executor.poll", reading: .custom(type: "seconds in (0, 3600]"), defaultText: "5",
                meaning: "seconds between two looks of the driver at the queue and the results folder"),
    ]

    /// `train.loss`, `train.metrics`, `train.objective` and its keys: checked against the plugins.
    private static let pluginKeys: [SpecKey] = [
        SpecKey(path: "train.loss", reading: .custom(type: "a loss plugin name, or {name: ..., <parameter>: ...}"),
                defaultText: "bce (pos_weight auto)",
                meaning: "the loss plugin and its parameters (sweep plugins lists them); sweepable as loss and loss.<parameter>",
                gridName: "loss"),
        SpecKey(path: "train.metrics", reading: .custom(type: "list of metric plugin names or {name: ..., <parameter>: ...}"),
                defaultText: "[f1_samples, roc_auc_samples]",
                meaning: "metrics computed every epoch on both splits (the objective's metric is added when missing)"),
        SpecKey(path: "train.objective", reading: .custom(type: "mapping (or a word: its metric)"), defaultText: "",
                meaning: "what ranks the epochs of a trial (its best epoch) and the trials of the sweep"),
        SpecKey(path: "train.objective.metric", reading: .custom(type: "a metric plugin name, or loss"), defaultText: "f1_samples",
                meaning: "the metric, or loss; it must be defined on the split (checked before any work)"),
        SpecKey(path: "train.objective.split", reading: .custom(type: "one of train, val"), defaultText: "val",
                meaning: "the split it is measured on"),
        SpecKey(path: "train.objective.direction", reading: .custom(type: "one of max, min"),
                defaultText: "the metric's (min for loss)", meaning: "whether larger or smaller is better"),
        SpecKey(path: "train.objective.last_epochs", reading: .custom(type: "integer >= 0"), defaultText: "0",
                meaning: "0: a run's objective is its best epoch's value (the best over epochs) and it keeps that epoch's "
                    + "weights; K > 0: the mean of its last K epochs' values, and it keeps the last epoch's weights (less "
                    + "noisy, not inflated by the maximum; the refit then trains every epoch)"),
    ]

    /// The keys directly inside the section at `path` (`""` for the top level), in table order.
    static func children(of path: String) -> [SpecKey] {
        keys.filter { $0.parent == path }
    }

    /// The key at `path`, if any.
    static func key(_ path: String) -> SpecKey? {
        keys.first { $0.path == path }
    }
}

/// The sweep-file schema as users see it (`sweep schema`).
public enum SweepSchema {
    /// One key: path, type, default, meaning, and its grid name when sweepable.
    public struct Entry: Sendable, Equatable {
        /// The dotted key path, e.g. `train.optimizer.lr`.
        public let path: String
        /// The values it takes, e.g. `number > 0`.
        public let type: String
        /// Its default in words (empty for sections).
        public let defaultValue: String
        /// What it means, including what a path is relative to.
        public let meaning: String
        /// The name it is swept under in `grid:`, when it can be swept.
        public let gridName: String?
    }

    /// Every key of a sweep file, in schema order.
    public static var entries: [Entry] {
        SpecSchema.keys.map { Entry(path: $0.path, type: $0.typeText, defaultValue: $0.defaultText, meaning: $0.meaning,
                                    gridName: $0.gridName) }
    }

    /// The text `sweep schema` prints: per key its path, type and default, then its meaning
    /// (and grid name) indented below, wrapped to `width` columns; a blank line before each section.
    public static func text(width: Int = 100) -> String {
        var out = ""
        for e in entries {
            let isSection = e.type.hasPrefix("mapping")
            if isSection && !out.isEmpty { out += "\n" }
            let head = e.path + ": " + e.type + (e.defaultValue.isEmpty ? "" : e.defaultValue == "required" ? "; required"
                                                  : "; default " + e.defaultValue)
            for (i, line) in wrap(head, width: width - 8).enumerated() { out += (i == 0 ? "" : "        ") + line + "\n" }
            let meaning = e.meaning + (e.gridName.map { "; sweepable as grid.\($0)" } ?? "")
            for line in wrap(meaning, width: width - 4) { out += "    " + line + "\n" }
        }
        return out
    }

    /// `text` cut into lines of at most `width` characters at spaces.
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = [], line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && line.count + 1 + word.count > width {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}
