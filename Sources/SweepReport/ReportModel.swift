import Foundation
import SweepCore

/// Everything the HTML report and the terminal view show about one results folder, read once by
/// `ReportReader` and rendered by `HTMLReport` and `TerminalReport` (pure functions of it).
///
/// A sweep is a list of configurations (points of the search space), each with its runs. Today
/// a configuration has exactly one run (one seed, one validation split); fields that only repeats,
/// folds, a test split or early stopping fill in are optional and say so.
public struct ReportModel: Sendable {
    /// The sweep's name.
    public var sweep: String
    /// When the model was read.
    public var generated: Date
    /// What the sweep ran on.
    public var provenance: Provenance
    /// What ranks epochs and configurations.
    public var objective: Objective
    /// The searched parameters, in the sweep file's order.
    public var parameters: [ParameterAxis]
    /// `loss` and the metric names of every epoch record.
    public var metricNames: [String]
    /// The loss plugin's name (`bce`), or `loss` when the sweep searches over losses.
    public var lossName: String
    /// The leaderboard exactly as `leaderboard.csv` has it (same cells, same order).
    public var leaderboard: Table
    /// The configurations, ranked: `configurations[i]` is the leaderboard's row `i`.
    public var configurations: [Configuration]
    /// The configurations' leaderboard, the cells of `leaderboard.csv` (n, mean, sd and 95%
    /// interval over each configuration's runs); nil when it was not read.
    public var configurationBoard: Table?
    /// How far the sweep got.
    public var progress: Progress
    /// Failed and diverged runs with their reasons, in rank order.
    public var failures: [FailureNote]
    /// The model `best/` holds, if any.
    public var chosen: ChosenModel?

    /// Every run of every configuration, in rank order.
    public var runs: [Run] { configurations.flatMap(\.runs) }

    /// A model from its parts.
    public init(sweep: String, generated: Date, provenance: Provenance, objective: Objective, parameters: [ParameterAxis],
                metricNames: [String], lossName: String, leaderboard: Table, configurations: [Configuration], progress: Progress,
                failures: [FailureNote], chosen: ChosenModel?) {
        self.sweep = sweep
        self.generated = generated
        self.provenance = provenance
        self.objective = objective
        self.parameters = parameters
        self.metricNames = metricNames
        self.lossName = lossName
        self.leaderboard = leaderboard
        self.configurations = configurations
        self.progress = progress
        self.failures = failures
        self.chosen = chosen
    }
}

/// Where the data, the trunk and the features came from.
public struct Provenance: Sendable, Equatable {
    /// e.g. `SYNTHETIC stand-in for MIML: …; 2000 images, classes …`; nil before the sweep recorded it.
    public var data: String?
    /// True when the data are the generated stand-in, not the real data set.
    public var syntheticData: Bool
    /// e.g. `RANDOM ResNet50 weights (random:0): ImageNet weights were not found`.
    public var trunk: String?
    /// `sha256:<hex>` of the weights file or `random:<seed> init-v1`.
    public var weightsIdentity: String?
    /// True when the trunk has random weights.
    public var randomTrunk: Bool
    /// The feature cache key.
    public var featureCacheKey: String?
    /// The resolved sweep file in the results folder.
    public var sweepFile: String
    /// Training and validation rows.
    public var trainRows: Int?
    /// Validation rows.
    public var validationRows: Int?
    /// Plugins used although they fail the shared suite (`--allow-failing-plugins`), one line each.
    public var pluginCheckFailures: [String]

    /// Provenance from its parts.
    public init(data: String?, syntheticData: Bool, trunk: String?, weightsIdentity: String?, randomTrunk: Bool,
                featureCacheKey: String?, sweepFile: String, trainRows: Int? = nil, validationRows: Int? = nil,
                pluginCheckFailures: [String] = []) {
        self.data = data
        self.syntheticData = syntheticData
        self.trunk = trunk
        self.weightsIdentity = weightsIdentity
        self.randomTrunk = randomTrunk
        self.featureCacheKey = featureCacheKey
        self.sweepFile = sweepFile
        self.trainRows = trainRows
        self.validationRows = validationRows
        self.pluginCheckFailures = pluginCheckFailures
    }
}

/// A searched parameter and how to draw it.
public struct ParameterAxis: Sendable, Equatable {
    /// How values are laid out on an axis.
    public enum Scale: String, Sendable, Equatable {
        /// Numbers, evenly.
        case linear
        /// Positive numbers, by their logarithm.
        case log
        /// Values that are not numbers, one slot each in the given order.
        case categorical
    }

    /// The parameter's short name (`lr`, `dropout`, `loss.gamma`).
    public var name: String
    /// Its distinct values in the sweep file's order (grids) or as sampled (searches).
    public var values: [SweptValue]
    /// How to draw it.
    public var scale: Scale

    /// An axis from its parts.
    public init(name: String, values: [SweptValue], scale: Scale) {
        self.name = name
        self.values = values
        self.scale = scale
    }
}

/// Text cells as a CSV file holds them.
public struct Table: Sendable, Equatable {
    /// Column names.
    public var header: [String]
    /// One array of cells per row, as many as `header`.
    public var rows: [[String]]

    /// A table from its parts.
    public init(header: [String], rows: [[String]]) {
        self.header = header
        self.rows = rows
    }
}

/// Mean, spread and count of one number over a configuration's runs.
public struct Aggregate: Sendable, Equatable {
    /// Runs with a finite value.
    public var n: Int
    /// Their mean; nil when n is 0.
    public var mean: Double?
    /// Sample standard deviation (n - 1); nil when n < 2.
    public var sd: Double?

    /// The aggregate of `values` (non-finite ones left out).
    public init(_ values: [Double]) {
        let finite = values.filter(\.isFinite)
        n = finite.count
        mean = finite.isEmpty ? nil : finite.reduce(0, +) / Double(finite.count)
        if let mean, finite.count > 1 {
            sd = (finite.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(finite.count - 1)).squareRoot()
        } else {
            sd = nil
        }
    }
}

/// One point of the search space and its runs.
public struct Configuration: Sendable {
    /// The configuration's id (today the id of its single trial).
    public var id: String
    /// 1-based rank on the leaderboard.
    public var rank: Int
    /// The searched values by parameter name.
    public var parameters: [String: SweptValue]
    /// Its runs (one per seed and fold; today one).
    public var runs: [Run]
    /// The objective over its runs.
    public var objective: Aggregate

    /// A configuration from its parts.
    public init(id: String, rank: Int, parameters: [String: SweptValue], runs: [Run], objective: Aggregate) {
        self.id = id
        self.rank = rank
        self.parameters = parameters
        self.runs = runs
        self.objective = objective
    }
}

/// One trial (one training of a head).
public struct Run: Sendable {
    /// The trial id.
    public var id: String
    /// How it ended.
    public var state: TrialState
    /// The objective at its best epoch.
    public var objective: Double?
    /// The epoch whose weights it kept.
    public var bestEpoch: Int?
    /// Its epochs, in order.
    public var epochs: [EpochMetrics]
    /// Wall time of its last attempt.
    public var seconds: Double
    /// The seed it ran with.
    public var seed: Int
    /// For pruned runs: the rung (of the early-stopping schedule) it stopped at, when recorded.
    public var stoppedAtRung: Int?
    /// Why it failed or diverged, when recorded.
    public var reason: String?

    /// A run from its parts.
    public init(id: String, state: TrialState, objective: Double?, bestEpoch: Int?, epochs: [EpochMetrics],
                seconds: Double, seed: Int, stoppedAtRung: Int? = nil, reason: String? = nil) {
        self.id = id
        self.state = state
        self.objective = objective
        self.bestEpoch = bestEpoch
        self.epochs = epochs
        self.seconds = seconds
        self.seed = seed
        self.stoppedAtRung = stoppedAtRung
        self.reason = reason
    }

    /// True when it stopped before its last epoch (pruned or diverged).
    public var stoppedEarly: Bool { state == .pruned || state == .diverged }
}

/// Counts and time.
public struct Progress: Sendable, Equatable {
    /// Trials the sweep plans.
    public var planned: Int
    /// Finished trials by state.
    public var counts: [TrialState: Int]
    /// Sum of the trials' wall times.
    public var trialSeconds: Double
    /// From the first trial's start to the last one's end.
    public var wallSeconds: Double
    /// Start of the first trial and end of the last.
    public var first: Date?
    /// End of the last trial.
    public var last: Date?

    /// Progress from its parts.
    public init(planned: Int, counts: [TrialState: Int], trialSeconds: Double, wallSeconds: Double,
                first: Date? = nil, last: Date? = nil) {
        self.planned = planned
        self.counts = counts
        self.trialSeconds = trialSeconds
        self.wallSeconds = wallSeconds
        self.first = first
        self.last = last
    }

    /// Finished trials.
    public var finished: Int { counts.values.reduce(0, +) }

    /// Count of `state`.
    public func count(_ state: TrialState) -> Int { counts[state] ?? 0 }
}

/// Why a run did not complete.
public struct FailureNote: Sendable, Equatable {
    /// The trial id.
    public var id: String
    /// `failed`, `diverged` or `pruned`.
    public var state: TrialState
    /// The recorded reason (or a sentence saying none was recorded).
    public var reason: String
    /// The end of the worker's stderr (failed runs).
    public var stderrTail: String
    /// Attempts used.
    public var attempts: Int

    /// A note from its parts.
    public init(id: String, state: TrialState, reason: String, stderrTail: String, attempts: Int) {
        self.id = id
        self.state = state
        self.reason = reason
        self.stderrTail = stderrTail
        self.attempts = attempts
    }
}
