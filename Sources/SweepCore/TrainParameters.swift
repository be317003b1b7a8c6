/// The training parameters a sweep file sets under `train:` and may sweep under `grid:`,
/// with their allowed values, defaults and meanings. The same rule checks a value wherever it
/// is written (`train.optimizer.lr: 0.1`, `grid: {lr: [0.1]}`, `--set grid.lr=[0.1]`), and the
/// same entry is what `sweep schema` prints: adding a training parameter is one entry here
/// (and its field in `TrainConfig`).

/// A bound of an allowed numeric range.
struct Bound {
    var value: Double
    var inclusive: Bool
}

/// What values a key accepts.
enum ValueRule {
    case integer(min: Int)
    case real(lower: Bound?, upper: Bound?)
    /// A number in the range, or a non-empty list of such numbers (one per class; the class
    /// count is checked against the data, `PlanCheck`).
    case reals(lower: Bound?, upper: Bound?)
    case choice([String])
    case boolean
    /// The name of a loss plugin (checked against the plugin catalog).
    case lossName
    /// A loss plugin parameter: a number, word, boolean or list of numbers (checked by the plugin).
    case pluginValue
    /// A list of integers, each >= min (may be empty).
    case integers(min: Int)
    /// A file or folder path (any non-empty text; whether it must exist is checked later).
    case path
    /// Trunk weights: `imagenet`, `random`, `random:SEED` or a weights file.
    case weights

    /// How `sweep schema` names the rule: `integer >= 1`, `number in [0, 1)`, `one of adam, sgd`.
    var text: String {
        switch self {
        case .integer(let min): return "integer >= \(min)"
        case .real(let lower, let upper):
            let range = NodeReader.range(lower, upper)
            return range == "a number" ? "number" : "number " + range
        case .reals(let lower, let upper):
            let range = NodeReader.range(lower, upper)
            return (range == "a number" ? "number" : "number " + range) + ", or a list of them (one per class)"
        case .choice(let choices): return "one of " + choices.joined(separator: ", ")
        case .boolean: return "true or false"
        case .lossName: return "a loss plugin name"
        case .pluginValue: return "number, word, true/false or list of numbers"
        case .integers(let min): return "list of integers >= \(min)"
        case .path: return "path"
        case .weights: return "imagenet, random, random:SEED or a weights file"
        }
    }
}

/// One training parameter: its short name, where it lives in the file, its rule, default,
/// meaning, and how a value is stored in `TrainConfig`.
struct TrainParameter {
    /// The short name used in `grid:` and in trial parameters, e.g. `lr`.
    let name: String
    /// The full key path, e.g. `train.optimizer.lr`.
    let path: String
    let rule: ValueRule
    /// The default as `sweep schema` shows it.
    let defaultText: String
    /// What it means, for `sweep schema`.
    let meaning: String
    /// Stores a value (already checked against `rule`).
    let set: @Sendable (inout TrainConfig, SweptValue) -> Void

    init(_ name: String, _ path: String, _ rule: ValueRule, default defaultText: String, _ meaning: String,
         set: @escaping @Sendable (inout TrainConfig, SweptValue) -> Void) {
        self.name = name
        self.path = path
        self.rule = rule
        self.defaultText = defaultText
        self.meaning = meaning
        self.set = set
    }

    /// Every spelling accepted as a grid key: `lr`, `train.optimizer.lr`, `optimizer.lr`
    /// (and `train.optimizer`, `optimizer` for a `.name` path).
    var spellings: [String] {
        var result = [name, path]
        let local = String(path.dropFirst("train.".count))
        result.append(local)
        if path.hasSuffix(".name") {
            result.append(String(path.dropLast(".name".count)))
            result.append(String(local.dropLast(".name".count)))
        }
        var seen = Set<String>()
        return result.filter { seen.insert($0).inserted }
    }
}

extension SweptValue {
    /// The number as an integer (rules have checked it is one).
    var integer: Int { Int(number ?? 0) }
    /// The numbers of a list as integers.
    var integers: [Int] {
        if case .numbers(let xs) = self { return xs.map { Int($0) } }
        return []
    }
}

enum TrainParameters {
    private static let positive = Bound(value: 0, inclusive: false)
    private static let nonNegative = Bound(value: 0, inclusive: true)
    private static let belowOne = Bound(value: 1, inclusive: false)

    /// The fixed parameters, in the order they are listed to users.
    static let all: [TrainParameter] = [
        TrainParameter("epochs", "train.epochs", .integer(min: 1), default: "10",
                       "passes over the training split; epochs are numbered from 0, as the notebook prints them") {
            $0.epochs = $1.integer
        },
        TrainParameter("batch_size", "train.batch_size", .integer(min: 2), default: "128",
                       "training samples per optimiser step (>= 2: BatchNorm cannot train on one)") { $0.batchSize = $1.integer },
        TrainParameter("depth", "train.head.depth", .integer(min: 0), default: "2",
                       "hidden blocks Linear-BatchNorm-ReLU-Dropout of the head, widths halving from the trunk's "
                       + "\(HeadConfig.trunkFeatures) features (depth 2: 1024, 512); 0 is a linear probe") {
            $0.head.depth = $1.integer
        },
        TrainParameter("widths", "train.head.widths", .integers(min: 1), default: "halving, from depth",
                       "the hidden blocks' widths, e.g. [1024, 512]; sets depth to their count ([] is a linear probe)") {
            $0.head.widths = $1.integers
        },
        TrainParameter("dropout", "train.head.dropout", .real(lower: nonNegative, upper: belowOne), default: "0.3",
                       "dropout probability of the hidden blocks; 0 leaves the Dropout layers out") { $0.head.dropout = $1.number ?? 0 },
        TrainParameter("optimizer", "train.optimizer.name", .choice(OptimizerName.allCases.map(\.rawValue)), default: "adam",
                       "the optimiser (PyTorch's Adam, AdamW, SGD); `optimizer: adamw` is short for {name: adamw}") {
            $0.optimizer.name = OptimizerName(rawValue: $1.string ?? "") ?? $0.optimizer.name
        },
        TrainParameter("lr", "train.optimizer.lr", .real(lower: positive, upper: nil), default: "0.001",
                       "base learning rate") { $0.optimizer.lr = $1.number ?? 0 },
        TrainParameter("weight_decay", "train.optimizer.weight_decay", .real(lower: nonNegative, upper: nil),
                       default: "0 (0.01 for adamw)",
                       "L2 penalty (adam, sgd) or decoupled weight decay (adamw); PyTorch's defaults") {
            $0.optimizer.weightDecay = $1.number ?? 0
        },
        TrainParameter("momentum", "train.optimizer.momentum", .real(lower: nonNegative, upper: belowOne), default: "0",
                       "SGD momentum") { $0.optimizer.momentum = $1.number ?? 0 },
        TrainParameter("nesterov", "train.optimizer.nesterov", .boolean, default: "false",
                       "SGD Nesterov momentum (needs momentum > 0)") {
            if case .bool(let b) = $1 { $0.optimizer.nesterov = b }
        },
        TrainParameter("schedule", "train.schedule.name", .choice(ScheduleName.allCases.map(\.rawValue)), default: "constant",
                       "learning-rate schedule: constant, step (StepLR) or cosine (CosineAnnealingLR, no restart); "
                       + "`schedule: cosine` is short for {name: cosine}") {
            $0.schedule.name = ScheduleName(rawValue: $1.string ?? "") ?? $0.schedule.name
        },
        TrainParameter("t_max", "train.schedule.t_max", .integer(min: 1), default: "none (required for cosine)",
                       "cosine half-period, in schedule steps (batches or epochs, see step)") { $0.schedule.tMax = $1.integer },
        TrainParameter("eta_min", "train.schedule.eta_min", .real(lower: nonNegative, upper: nil), default: "0",
                       "cosine floor; may exceed the base learning rate, as in the notebook") { $0.schedule.etaMin = $1.number ?? 0 },
        TrainParameter("step_size", "train.schedule.step_size", .integer(min: 1), default: "none (required for step)",
                       "schedule steps between decays of the step schedule") { $0.schedule.stepSize = $1.integer },
        TrainParameter("gamma", "train.schedule.gamma", .real(lower: positive, upper: nil), default: "0.1",
                       "decay factor of the step schedule") { $0.schedule.gamma = $1.number ?? 0 },
        TrainParameter("schedule.step", "train.schedule.step", .choice(ScheduleUnit.allCases.map(\.rawValue)), default: "epoch",
                       "when the schedule advances: after every batch (the notebook) or every epoch") {
            $0.schedule.step = ScheduleUnit(rawValue: $1.string ?? "") ?? $0.schedule.step
        },
        TrainParameter("loss", "train.loss.name", .lossName, default: "bce",
                       "the loss plugin (sweep plugins lists them)") { $0.loss.name = $1.string ?? $0.loss.name },
        TrainParameter("threshold", "train.threshold", .reals(lower: positive, upper: belowOne), default: "0.5",
                       "a class is predicted when its probability is > threshold; a list gives one threshold per class "
                           + "(class order, e.g. [0.5, 0.6, 0.4, 0.5, 0.5]) to the metrics, model.json, sweep predict and the "
                           + "test evaluation; or the word tune: the runs use 0.5 and the "
                           + "chosen model gets per-class thresholds maximising each class's F1 on its validation predictions "
                           + "(pooled out-of-fold with data.folds), used by sweep predict and the test evaluation") {
            if case .numbers(let xs) = $1 {
                $0.threshold = 0.5
                $0.thresholds = xs
            } else {
                $0.threshold = $1.number ?? 0
                $0.thresholds = nil
            }
        },
    ]

    /// The parameter a grid key names: a fixed one by any spelling, or `loss.<p>` /
    /// `train.loss.<p>` for a loss plugin parameter.
    static func find(_ key: String) -> TrainParameter? {
        if let p = all.first(where: { $0.spellings.contains(key) }) { return p }
        for prefix in ["train.loss.", "loss."] where key.hasPrefix(prefix) {
            let name = String(key.dropFirst(prefix.count))
            guard !name.isEmpty, !name.contains("."), name != "name" else { return nil }
            return TrainParameter("loss." + name, "train.loss." + name, .pluginValue, default: "the plugin's",
                                  "a parameter of the loss plugin") { config, value in
                config.loss.parameters[name] = value.parameterValue
            }
        }
        return nil
    }

    /// The parameter at a full key path (`train.head.dropout`), for reading the `train:` section.
    static func at(path: String) -> TrainParameter? {
        all.first { $0.path == path }
    }

    /// Every accepted grid key, for "did you mean" suggestions.
    static var allSpellings: [String] { all.flatMap(\.spellings) }

    /// Sets parameter `parameter` of `config` to `value` (already checked against its rule).
    static func apply(_ parameter: TrainParameter, _ value: SweptValue, to config: inout TrainConfig) {
        parameter.set(&config, value)
    }
}
