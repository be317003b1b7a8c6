import SweepSearch

/// A validated sweep file: where the data is, which trunk, the base training settings and
/// the grid of training parameters to sweep. Coded with the sweep file's key names, so
/// `SweepSpec.resolvedYAML()` loads back (with `SweepFile`) to the same spec.
public struct SweepSpec: Sendable, Hashable, Encodable {
    /// `[A-Za-z0-9_.-]+`; results go to `results/<name>/`.
    public var name: String
    /// The images, labels and split.
    public var data = DataSpec()
    /// The frozen trunk.
    public var backbone = BackboneSpec()
    /// The base training settings; grid values are applied on top of them.
    public var train = TrainConfig()
    /// The swept parameters, in file order.
    public var grid: [GridAxis] = []
    /// Worker processes (default: the number of cores).
    public var workers: Int
    /// The seed of every trial (weight init, shuffling, dropout): trials differ only by their parameters.
    public var seed: Int = 0
    /// Extra attempts for a trial whose worker crashed, was killed or timed out.
    public var retries: Int = 1
    /// Seconds a trial may run before its worker is killed (> 0).
    public var trialTimeout: Double = 600
    /// How many checkpoints to keep: those of the top `keep` complete trials (`best` links the first).
    public var keep: Int = 1
    /// Where the trials and the feature extraction run.
    public var executor = ExecutorSpec()
    /// How parameter values are chosen: the grid, random draws or TPE.
    public var search = SearchSettings()
    /// Which trials are stopped early.
    public var pruner = PrunerSettings()
    /// Runs per configuration and fold, each with its own seed (repeat 0 uses `seed`).
    public var repeats: Int = 1
    /// Race the configurations over their runs (repeats and folds): successive halving, see
    /// `SuccessiveHalvingRace`; not part of any trial's id.
    public var race: Bool = false
    /// What ranks the configurations: the mean objective over their runs, or the cautious end of
    /// its 95% interval.
    public var rankBy: RankBy = .mean
    /// Train the chosen configuration once more on all non-test rows (`best/` is that model);
    /// nil: true when `repeats` or `data.folds` is above 1.
    public var refit: Bool?
    /// `train.threshold: tune`: per-class thresholds maximising each class's F1 on the chosen
    /// configuration's validation predictions (not part of any id: it chooses after training).
    public var thresholdTune: Bool = false

    /// How the configurations are ranked.
    public enum RankBy: String, Sendable, Hashable, Codable, CaseIterable {
        /// The mean objective over the runs.
        case mean
        /// The cautious end of the 95% t interval of the mean (lower for max, upper for min).
        case lowerBound = "lower_bound"
    }

    /// Whether the chosen configuration is trained again on all non-test rows.
    public var refitsChosen: Bool { refit ?? (repeats > 1 || data.folds > 1) }

    /// A spec with every other setting at its default.
    public init(name: String, workers: Int) {
        self.name = name
        self.workers = workers
    }

    enum CodingKeys: String, CodingKey {
        case name, data, backbone, train, grid, workers, seed, retries
        case trialTimeout = "trial_timeout"
        case keep
        case executor, search, pruner
        case repeats, race
        case rankBy = "rank_by"
        case refit
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(data, forKey: .data)
        try c.encode(backbone, forKey: .backbone)
        try c.encode(train, forKey: .train)
        try c.encode(GridAxes(axes: grid), forKey: .grid)
        try c.encode(workers, forKey: .workers)
        try c.encode(seed, forKey: .seed)
        try c.encode(retries, forKey: .retries)
        try c.encode(trialTimeout, forKey: .trialTimeout)
        try c.encode(keep, forKey: .keep)
        try c.encode(executor, forKey: .executor)
        if search != SearchSettings() { try c.encode(search, forKey: .search) }
        if pruner != PrunerSettings() { try c.encode(pruner, forKey: .pruner) }
        try c.encode(repeats, forKey: .repeats)
        if race { try c.encode(race, forKey: .race) }   // left out when false: sweeps without it read as before
        try c.encode(rankBy, forKey: .rankBy)
        try c.encodeIfPresent(refit, forKey: .refit)   // left out: the default (true with repeats or folds)
    }

    /// The swept parameters' names, in grid order (the leaderboard's parameter columns).
    public var parameterNames: [String] { grid.map(\.name) }
}

/// Where the images and labels are and how they are split.
public struct DataSpec: Sendable, Hashable, Codable {
    /// The two data-set layouts.
    public enum Format: String, Sendable, Hashable, Codable, CaseIterable {
        /// A folder with `miml data.mat` and `original_images/`.
        case miml
        /// A CSV file: an image path column, then one 0/1 column per class.
        case csv
    }

    /// The layout of `path` (inferred from it when the file does not say).
    public var format: Format = .miml
    /// Relative to the working directory `sweep` runs in (the repository root for
    /// `sweep run sweeps/scene.yaml`), not to the sweep file's folder.
    public var path: String = "data/miml"
    /// When `path` does not exist, generate the synthetic MIML stand-in there (miml only).
    /// Off unless the sweep file asks: a mistyped path must be an error, not made-up data.
    public var synthesizeIfMissing: Bool = false
    /// Fraction of the images held out for validation, in (0, 1).
    public var validation: Double = 0.3
    /// Seed of the train/validation split.
    public var splitSeed: Int = 0
    /// Iterative stratification instead of a random split.
    public var stratified: Bool = false
    /// Folds of the non-test rows (k >= 2) replacing the single validation split; 0: none.
    public var folds: Int = 0
    /// Fraction of the images held out as a test split, carved first; 0: none.
    public var test: Double = 0

    /// The defaults.
    public init() {}

    enum CodingKeys: String, CodingKey {
        case format, path
        case synthesizeIfMissing = "synthesize_if_missing"
        case validation
        case splitSeed = "split_seed"
        case stratified
        case folds, test
    }

    /// Reads records written before `folds` and `test` existed (none of either).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        format = try c.decode(Format.self, forKey: .format)
        path = try c.decode(String.self, forKey: .path)
        synthesizeIfMissing = try c.decodeIfPresent(Bool.self, forKey: .synthesizeIfMissing) ?? false
        validation = try c.decode(Double.self, forKey: .validation)
        splitSeed = try c.decode(Int.self, forKey: .splitSeed)
        stratified = try c.decodeIfPresent(Bool.self, forKey: .stratified) ?? false
        folds = try c.decodeIfPresent(Int.self, forKey: .folds) ?? 0
        test = try c.decodeIfPresent(Double.self, forKey: .test) ?? 0
    }
}

/// The frozen trunk whose features are cached.
public struct BackboneSpec: Sendable, Hashable, Codable {
    /// Where the trunk's weights come from.
    public enum Weights: Sendable, Hashable, Codable, CustomStringConvertible {
        /// torchvision's IMAGENET1K_V1 (`resnet50-0676ba61.pth`), found in the usual caches.
        case imagenet
        /// Seeded random initialisation (`random` is seed 0, `random:SEED` any other).
        case random(seed: UInt64)
        /// A `.pth` or `.safetensors` file (relative to the working directory).
        case file(String)

        public var description: String {
            switch self {
            case .imagenet: return "imagenet"
            case .random(let seed): return seed == 0 ? "random" : "random:\(seed)"
            case .file(let path): return path
            }
        }

        /// Reads `imagenet`, `random`, `random:SEED` or a path (`random:x` is a path too; the
        /// sweep-file reader rejects it first).
        public init(_ text: String) {
            if text == "imagenet" {
                self = .imagenet
            } else if text == "random" {
                self = .random(seed: 0)
            } else if text.hasPrefix("random:"), let seed = UInt64(text.dropFirst("random:".count)) {
                self = .random(seed: seed)
            } else {
                self = .file(text)
            }
        }

        public init(from decoder: any Decoder) throws {
            self.init(try decoder.singleValueContainer().decode(String.self))
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            try c.encode(description)
        }
    }

    /// What to do when the ImageNet weights are not found.
    public enum Fallback: String, Sendable, Hashable, Codable, CaseIterable {
        /// Use random weights and say so (recorded in the results).
        case random
        /// Stop with an error.
        case error
    }

    /// What the trunk computes in.
    public enum Precision: String, Sendable, Hashable, Codable, CaseIterable {
        /// Single precision (the default; PyTorch's features within 1e-6).
        case fp32
        /// bfloat16 through oneDNN (needs AVX-512 BF16); faster, features within a few percent.
        case bf16
    }

    /// Only `resnet50` for now.
    public var name: String = "resnet50"
    /// fp32 or bf16.
    public var precision: Precision = .fp32
    /// The trunk weights.
    public var weights: Weights = .imagenet
    /// Used when `weights` is `imagenet` and they are not found. No fallback unless the sweep
    /// file asks: a run on random weights must be chosen, not stumbled into.
    public var fallback: Fallback = .error
    /// Feature cache folder (relative to the working directory); the sweep-file reader makes
    /// the default `<results folder>/cache`.
    public var cache: String = "results/cache"

    /// The defaults.
    public init() {}
}

/// One swept parameter: its name, which training setting it sets, and its values in order.
public struct GridAxis: Sendable, Hashable {
    /// The canonical short name (`lr`, `dropout`, `loss.gamma`), used in trial parameters and columns.
    public var name: String
    /// The setting it sets, e.g. `train.optimizer.lr`.
    public var path: String
    /// The values to try, in order (empty for a distribution).
    public var values: [SweptValue]
    /// The distribution drawn from (`{log_uniform: [a, b]}`, ...), nil for a list of values.
    public var distribution: Distribution?

    /// An axis sweeping `path` (called `name`) over `values`.
    public init(name: String, path: String, values: [SweptValue]) {
        self.name = name
        self.path = path
        self.values = values
    }

    /// An axis drawing `path` (called `name`) from `distribution`.
    public init(name: String, path: String, distribution: Distribution) {
        self.name = name
        self.path = path
        self.values = []
        self.distribution = distribution
    }
}

/// A distribution as the sweep file writes it: `{log_uniform: [1e-05, 0.1]}`, `{int: [16, 256], step: 16}`.
struct DistributionCoding: Encodable {
    var distribution: Distribution

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: NameKey.self)
        switch distribution {
        case .uniform(let low, let high): try c.encode([low, high], forKey: NameKey(stringValue: "uniform"))
        case .logUniform(let low, let high): try c.encode([low, high], forKey: NameKey(stringValue: "log_uniform"))
        case .int(let low, let high, let step):
            try c.encode([low, high], forKey: NameKey(stringValue: "int"))
            if step != 1 { try c.encode(step, forKey: NameKey(stringValue: "step")) }
        case .logInt(let low, let high): try c.encode([low, high], forKey: NameKey(stringValue: "log_int"))
        case .choice: break  // a list is coded as its values
        }
    }
}

/// The grid coded as an ordered mapping `name: [values]` (or `name: {distribution}`).
struct GridAxes: Encodable {
    var axes: [GridAxis]

    init(axes: [GridAxis]) { self.axes = axes }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: NameKey.self)
        for axis in axes {
            if let d = axis.distribution {
                try c.encode(DistributionCoding(distribution: d), forKey: NameKey(stringValue: axis.name))
            } else {
                try c.encode(axis.values, forKey: NameKey(stringValue: axis.name))
            }
        }
    }
}
