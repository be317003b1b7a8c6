import Foundation

/// How a trial ended.
public enum TrialState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Trained every epoch.
    case complete
    /// The loss became NaN, infinite or exploded; training stopped (the reason says where).
    case diverged
    /// The worker crashed, was killed or timed out on every attempt, rejected the trial, or the
    /// objective was NaN in every epoch (the reason says which).
    case failed
    /// Stopped early because it could not catch up with the best trials.
    case pruned
}

/// Loss and metrics after one epoch.
public struct EpochMetrics: Sendable, Hashable, Codable {
    /// 0-based, as the notebook prints it.
    public let epoch: Int
    /// The learning rate after the epoch's scheduler steps: what the next optimiser step would use.
    public let lr: Double
    /// The learning rate of each optimiser step of the epoch, in order (one per batch): shows
    /// whether the schedule stepped per batch or per epoch. Empty in records of versions before it.
    public let lrs: [Double]
    /// `loss` and each metric by plugin name, on the training split.
    public let train: [String: Double]
    /// `loss` and each metric by plugin name, on the validation split.
    public let val: [String: Double]
    /// Wall time of the epoch (both phases).
    public let seconds: Double

    /// One epoch's numbers.
    public init(epoch: Int, lr: Double, lrs: [Double] = [], train: [String: Double], val: [String: Double], seconds: Double) {
        self.epoch = epoch
        self.lr = lr
        self.lrs = lrs
        self.train = train
        self.val = val
        self.seconds = seconds
    }

    enum CodingKeys: String, CodingKey {
        case epoch, lr, lrs, train, val, seconds
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        epoch = try c.decode(Int.self, forKey: .epoch)
        lr = try c.decode(Double.self, forKey: .lr)
        lrs = try c.decodeIfPresent([Double].self, forKey: .lrs) ?? []
        train = try c.decode([String: Double].self, forKey: .train)
        val = try c.decode([String: Double].self, forKey: .val)
        seconds = try c.decode(Double.self, forKey: .seconds)
    }

    /// The value of `metric` (or `loss`) on `split`.
    public func value(_ metric: String, on split: ObjectiveSplit) -> Double? {
        split == .train ? train[metric] : val[metric]
    }
}

/// Why a trial failed or diverged, with the end of its worker's stderr (empty for divergence).
public struct TrialFailure: Sendable, Hashable, Codable {
    /// What went wrong, e.g. `killed by signal 9`.
    public let reason: String
    /// The last lines of the worker's stderr.
    public let stderrTail: String

    /// A failure with its reason and stderr tail.
    public init(reason: String, stderrTail: String) {
        self.reason = reason
        self.stderrTail = stderrTail
    }

    enum CodingKeys: String, CodingKey {
        case reason
        case stderrTail = "stderr_tail"
    }
}

/// When a trial ran (its last attempt).
public struct TrialTimings: Sendable, Hashable, Codable {
    /// When the last attempt started.
    public let start: Date
    /// When it ended.
    public let end: Date
    /// Its wall time.
    public let seconds: Double

    /// Timings of an attempt.
    public init(start: Date, end: Date, seconds: Double) {
        self.start = start
        self.end = end
        self.seconds = seconds
    }
}

/// Where a pruner stopped a `pruned` trial (`pruned` in its record).
public struct PruningPoint: Sendable, Hashable, Codable {
    /// The rule: `asha` or `median`.
    public let method: String
    /// Epochs it ran (as many as its record has).
    public let epochs: Int
    /// ASHA's rung it stopped at (rung r at epoch min_resource x reduction_factor^r); nil for the median rule.
    public let rung: Int?

    /// A stopping point.
    public init(method: String, epochs: Int, rung: Int?) {
        self.method = method
        self.epochs = epochs
        self.rung = rung
    }
}

/// The immutable result of one finished trial: one line of `trials.jsonl`.
public struct TrialRecord: Sendable, Hashable, Codable {
    /// The trial id (`TrialConfig.id`).
    public let id: String
    /// The swept values by parameter name (`lr`, `dropout`, ...).
    public let parameters: [String: SweptValue]
    /// The resolved settings it ran with.
    public let config: TrialConfig
    /// The seed it ran with.
    public let seed: Int
    /// How it ended.
    public let state: TrialState
    /// Per-epoch metrics, in order.
    public let epochs: [EpochMetrics]
    /// The epoch with the best objective (nil when no epoch finished).
    public let bestEpoch: Int?
    /// The objective at `bestEpoch`.
    public let objective: Double?
    /// Attempts used, 1 + retries taken.
    public let attempts: Int
    /// Why the trial did not complete: set for `failed` trials (and the worker's stderr tail)
    /// and for `diverged` ones (where and which loss; no stderr).
    public let failure: TrialFailure?
    /// When it ran.
    public let timings: TrialTimings
    /// The worker process of the last attempt.
    public let workerPID: Int32?
    /// The shared suite's failures (`loss x: gradient: ...`) of the plugins this trial used,
    /// when the sweep was run with `--allow-failing-plugins`; nil when they all passed.
    public let pluginCheckFailures: [String]?
    /// The configuration this run belongs to (`Trial.configID`); records written before
    /// repeats existed read as their own configuration.
    public let configID: String
    /// 0-based repeat (0 in older records).
    public let `repeat`: Int
    /// 0-based fold, nil without cross-validation.
    public let fold: Int?
    /// Where the pruner stopped it (`pruned` trials; nil otherwise and in records written before it).
    public let pruned: PruningPoint?

    /// A record from its fields.
    public init(id: String, parameters: [String: SweptValue], config: TrialConfig, seed: Int, state: TrialState,
                epochs: [EpochMetrics], bestEpoch: Int?, objective: Double?, attempts: Int,
                failure: TrialFailure?, timings: TrialTimings, workerPID: Int32?,
                pluginCheckFailures: [String]? = nil, configID: String? = nil, repeat r: Int = 0, fold: Int? = nil,
                pruned: PruningPoint? = nil) {
        self.pruned = pruned
        self.configID = configID ?? id
        self.repeat = r
        self.fold = fold
        self.id = id
        self.parameters = parameters
        self.config = config
        self.seed = seed
        self.state = state
        self.epochs = epochs
        self.bestEpoch = bestEpoch
        self.objective = objective
        self.attempts = attempts
        self.failure = failure
        self.timings = timings
        self.workerPID = workerPID
        self.pluginCheckFailures = pluginCheckFailures
    }

    enum CodingKeys: String, CodingKey {
        case id, parameters, config, seed, state, epochs, objective, attempts, failure, timings
        case bestEpoch = "best_epoch"
        case workerPID = "worker_pid"
        case pluginCheckFailures = "plugin_check_failures"
        case configID = "config_id"
        case `repeat`, fold, pruned
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        parameters = try c.decode([String: SweptValue].self, forKey: .parameters)
        config = try c.decode(TrialConfig.self, forKey: .config)
        seed = try c.decode(Int.self, forKey: .seed)
        state = try c.decode(TrialState.self, forKey: .state)
        epochs = try c.decode([EpochMetrics].self, forKey: .epochs)
        bestEpoch = try c.decodeIfPresent(Int.self, forKey: .bestEpoch)
        objective = try c.decodeIfPresent(Double.self, forKey: .objective)
        attempts = try c.decode(Int.self, forKey: .attempts)
        failure = try c.decodeIfPresent(TrialFailure.self, forKey: .failure)
        timings = try c.decode(TrialTimings.self, forKey: .timings)
        workerPID = try c.decodeIfPresent(Int32.self, forKey: .workerPID)
        pluginCheckFailures = try c.decodeIfPresent([String].self, forKey: .pluginCheckFailures)
        configID = try c.decodeIfPresent(String.self, forKey: .configID) ?? id
        self.repeat = try c.decodeIfPresent(Int.self, forKey: .repeat) ?? 0
        fold = try c.decodeIfPresent(Int.self, forKey: .fold)
        pruned = try c.decodeIfPresent(PruningPoint.self, forKey: .pruned)
    }

    /// The epoch metrics at `bestEpoch`.
    public var best: EpochMetrics? { epochs.first { $0.epoch == bestEpoch } }

    /// The best epoch by `objective` and its value: direction-aware, NaN skipped, the earliest
    /// epoch wins a tie. Nil when no epoch has a finite value.
    public static func bestEpoch(of epochs: [EpochMetrics], by objective: Objective) -> (epoch: Int, value: Double)? {
        var best: (epoch: Int, value: Double)?
        for e in epochs {
            guard let v = e.value(objective.metric, on: objective.split), v.isFinite else { continue }
            if best.map({ objective.direction.isBetter(v, than: $0.value) }) ?? true { best = (e.epoch, v) }
        }
        return best
    }

    /// The record as one line of JSON (no newline at the end): keys sorted, dates ISO 8601 with
    /// milliseconds, non-finite numbers as the strings `NaN`, `Infinity`, `-Infinity`.
    public func jsonLine() throws -> String {
        let data = try TrialRecord.encoder().encode(self)
        return String(decoding: data, as: UTF8.self)
    }

    /// Reads a line written by `jsonLine()`.
    public init(jsonLine: String) throws {
        self = try TrialRecord.decoder().decode(TrialRecord.self, from: Data(jsonLine.utf8))
    }

    private static let dateStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    private static let nonFinite = (positive: "Infinity", negative: "-Infinity", nan: "NaN")

    /// The encoder of `jsonLine()`: sorted keys, ISO 8601 dates, non-finite numbers as strings.
    public static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .custom { date, encoder in
            var c = encoder.singleValueContainer()
            try c.encode(date.formatted(dateStyle))
        }
        e.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: nonFinite.positive, negativeInfinity: nonFinite.negative, nan: nonFinite.nan)
        return e
    }

    /// The decoder reading what `encoder()` writes.
    public static func decoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .custom { decoder in
            let c = try decoder.singleValueContainer()
            let text = try c.decode(String.self)
            guard let date = try? dateStyle.parse(text) else {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: "not an ISO 8601 date: \(text)")
            }
            return date
        }
        d.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: nonFinite.positive, negativeInfinity: nonFinite.negative, nan: nonFinite.nan)
        return d
    }
}
