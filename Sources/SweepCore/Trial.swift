import Foundation
import SweepTensor
import SweepSearch

/// Everything a worker needs to run one trial: training settings, seed, data split and trunk.
public struct TrialConfig: Sendable, Hashable, Codable {
    /// The resolved training settings.
    public var train: TrainConfig
    /// The sweep's seed: every trial uses the same one, so trials differ only by their parameters.
    public var seed: Int
    /// The data set and split.
    public var data: DataSpec
    /// The trunk whose cached features are trained on.
    public var backbone: BackboneSpec
    /// The code identity (`sha256:<hex>`) of each user plugin (from `plugins/`) the trial uses,
    /// by plugin name; nil when it uses only built-ins. See `PluginCatalog.userPluginCode(for:)`.
    public var pluginCode: [String: String]?

    /// A trial config from its parts.
    public init(train: TrainConfig, seed: Int, data: DataSpec, backbone: BackboneSpec,
                pluginCode: [String: String]? = nil) {
        self.train = train
        self.seed = seed
        self.data = data
        self.backbone = backbone
        self.pluginCode = pluginCode
    }

    enum CodingKeys: String, CodingKey {
        case train, seed, data, backbone
        case pluginCode = "plugin_code"
    }

    /// The trial's stable id: the first 12 hex digits of the SHA-256 of the canonical JSON
    /// (sorted keys) of what determines its result: the training settings, the seed, the data
    /// (format, path, validation fraction, split seed, stratification) and the trunk (name,
    /// weights, and the precision when it is not fp32), and the code identity of each user plugin it uses (`pluginCode`, left out of
    /// the JSON when there is none, so a trial using only built-ins keeps the id it had before
    /// plugin code was identified). Not in it: the sweep's name, workers, retries, timeout, grid
    /// order, the feature cache folder, the weights fallback and `synthesize_if_missing`.
    public var id: String {
        struct DataIdentity: Encodable {
            var format: String, path: String, validation: Double, split_seed: Int, stratified: Bool
            var test: Double?   // nil (no test split) is left out, so sweeps without one keep their ids
        }
        struct BackboneIdentity: Encodable {
            var name: String, weights: String
            var precision: String?  // nil (fp32) is left out: fp32 trials keep the ids they had before bf16
        }
        struct Identity: Encodable {
            var train: TrainConfig, seed: Int, data: DataIdentity, backbone: BackboneIdentity
            var plugin_code: [String: String]?   // nil is left out of the JSON
        }
        let identity = Identity(
            train: train, seed: seed,
            data: DataIdentity(format: data.format.rawValue, path: data.path, validation: data.validation,
                               split_seed: data.splitSeed, stratified: data.stratified,
                               test: data.test > 0 ? data.test : nil),
            backbone: BackboneIdentity(name: backbone.name, weights: backbone.weights.description,
                                       precision: backbone.precision == .fp32 ? nil : backbone.precision.rawValue),
            plugin_code: pluginCode)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Every field is a finite number, string, bool or list, so encoding cannot fail.
        let json = (try? encoder.encode(identity)) ?? Data()
        return String(ContentHasher.sha256Hex(json).prefix(12))
    }
}

/// The ids and seeds of a configuration's runs: a configuration (a point of the grid) runs once
/// per repeat and fold. Repeat 0 without folds is the run sweep made before repeats existed:
/// its id is the configuration's and its seed the sweep's, so old results folders resume.
public enum RunIdentity {
    /// The seed of repeat `r`: `base` for repeat 0, else 31 bits of SHA-256(`seed <base> repeat <r>`).
    public static func seed(base: Int, repeat r: Int) -> Int {
        guard r > 0 else { return base }
        let hex = ContentHasher.sha256Hex(Data("seed \(base) repeat \(r)".utf8))
        return Int(UInt32(hex.prefix(8), radix: 16) ?? 0) & 0x7fff_ffff
    }

    /// The id of repeat `r`, fold `fold` of `folds` of the configuration `configuration`: the
    /// configuration id for repeat 0 without folds, else the first 12 hex digits of
    /// SHA-256(`<configuration> repeat <r> fold <f> of <folds>`).
    public static func id(configuration: String, repeat r: Int, fold: Int?, folds: Int) -> String {
        guard r > 0 || fold != nil else { return configuration }
        let text = "\(configuration) repeat \(r)" + (fold.map { " fold \($0) of \(folds)" } ?? "")
        return String(ContentHasher.sha256Hex(Data(text.utf8)).prefix(12))
    }
}

/// One run of the plan: a point of the grid (its configuration) at one repeat and fold, with
/// its id, its place in the plan, its swept values and its full config (the repeat's seed).
public struct Trial: Sendable, Hashable, Codable {
    /// 12 hex digits, see `RunIdentity.id`.
    public var id: String
    /// 0-based position in the plan (grid order: first key slowest, last key fastest; then
    /// repeat, then fold).
    public var index: Int
    /// The swept parameters' values, in grid order.
    public var parameters: [SweptParameter]
    /// The fully resolved settings handed to a worker.
    public var config: TrialConfig
    /// The configuration's id (`TrialConfig.id` at the sweep's seed).
    public var configID: String
    /// 0-based repeat.
    public var `repeat`: Int
    /// 0-based fold, nil without cross-validation.
    public var fold: Int?

    /// A run from its parts (repeat 0 of its configuration, no fold, unless given).
    public init(id: String, index: Int, parameters: [SweptParameter], config: TrialConfig,
                configID: String? = nil, repeat r: Int = 0, fold: Int? = nil) {
        self.id = id
        self.index = index
        self.parameters = parameters
        self.config = config
        self.configID = configID ?? id
        self.repeat = r
        self.fold = fold
    }

    /// The swept values by parameter name (for `TrialRecord.parameters`).
    public var parameterValues: [String: SweptValue] {
        Dictionary(parameters.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
    }
}

/// A validated sweep and its trials, in plan order.
public struct SweepPlan: Sendable {
    /// The validated spec.
    public var spec: SweepSpec
    /// The trials in plan order.
    public var trials: [Trial]
    /// The trial at a point of the search space (swept values in grid order) and a plan index,
    /// resolved as the planned ones are; nil when the values do not fit together. For searches
    /// that propose trials during the run (TPE).
    public var makeTrial: (@Sendable ([SweptParameter], Int) -> Trial?)?
    /// Where each key of the spec was written (dotted path to file:line:column or `--set`), for
    /// errors found after decoding (e.g. a weights file that is missing).
    public var locations: [String: SpecLocation]

    /// A plan from its parts.
    public init(spec: SweepSpec, trials: [Trial], locations: [String: SpecLocation] = [:]) {
        self.spec = spec
        self.trials = trials
        self.locations = locations
    }

    /// `file:line:col: ` of the key at `path` (or of its nearest written parent section), or "".
    public func locationPrefix(_ path: String) -> String {
        var parts = path.split(separator: ".").map(String.init)
        while !parts.isEmpty {
            if let location = locations[parts.joined(separator: ".")] { return "\(location): " }
            parts.removeLast()
        }
        return ""
    }

    /// `54 trials (dropout 3 × lr 3 × t_max 2 × depth 3)`, or `1 trial` without a grid; with
    /// repeats or folds `… (54 configurations × 3 repeats × 5 folds …)`.
    public var summary: String {
        guard spec.race else { return plainSummary }
        let configurations = Set(trials.map(\.configID)).count
        let each = max(1, spec.repeats) * max(1, spec.data.folds)
        let most = SuccessiveHalvingRace(minRuns: 1, maxRuns: each, reductionFactor: 2).totalRuns(configurations: configurations)
        return plainSummary + ", raced: successive halving over the \(each) runs of each configuration, "
            + "\(most) of the \(trials.count) runs in all"
    }

    private var plainSummary: String {
        let count = "\(trials.count) trial" + (trials.count == 1 ? "" : "s")
        let axes = spec.grid.map { "\($0.name) " + ($0.distribution.map { "\($0)" } ?? "\($0.values.count)") }.joined(separator: " × ")
        switch spec.search.method {
        case .grid: break
        case .random: return count + " drawn at random (seed \(spec.search.seed)) from " + axes
        case .tpe:
            let startup = Set(trials.map(\.configID)).count, each = spec.runsPerConfiguration
            return "\(spec.search.trials) " + (each == 1 ? "trials" : "configurations x \(each) runs")
                + " by TPE (seed \(spec.search.seed); the first \(startup) random) over " + axes
        }
        var parts: [String] = []
        if !spec.grid.isEmpty { parts.append(spec.grid.map { "\($0.name) \($0.values.count)" }.joined(separator: " × ")) }
        if spec.repeats > 1 { parts.append("\(spec.repeats) repeats") }
        if spec.data.folds > 1 { parts.append("\(spec.data.folds) folds") }
        guard !parts.isEmpty else { return count }
        return count + " (" + parts.joined(separator: "; ") + ")"
    }
}
