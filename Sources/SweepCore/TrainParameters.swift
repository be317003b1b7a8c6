/// The training parameters a sweep file sets under `train:` and may sweep under `grid:`,
/// with their allowed values. The same rule checks a value wherever it is written
/// (`train.optimizer.lr: 0.1`, `grid: {lr: [0.1]}`, `--set grid.lr=[0.1]`).

/// A bound of an allowed numeric range.
struct Bound {
    var value: Double
    var inclusive: Bool
}

/// What values a parameter accepts.
enum ValueRule {
    case integer(min: Int)
    case real(lower: Bound?, upper: Bound?)
    case choice([String])
    case boolean
    /// The name of a loss plugin (checked against the plugin catalog).
    case lossName
    /// A loss plugin parameter: a number, word, boolean or list of numbers (checked by the plugin).
    case pluginValue
}

/// One training parameter: its short name, where it lives in the file, and its rule.
struct TrainParameter {
    /// The short name used in `grid:` and in trial parameters, e.g. `lr`.
    let name: String
    /// The full key path, e.g. `train.optimizer.lr`.
    let path: String
    let rule: ValueRule

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

enum TrainParameters {
    private static let positive = Bound(value: 0, inclusive: false)
    private static let nonNegative = Bound(value: 0, inclusive: true)
    private static let belowOne = Bound(value: 1, inclusive: false)

    /// The fixed parameters, in the order they are listed to users.
    static let all: [TrainParameter] = [
        TrainParameter(name: "epochs", path: "train.epochs", rule: .integer(min: 1)),
        TrainParameter(name: "batch_size", path: "train.batch_size", rule: .integer(min: 2)),
        TrainParameter(name: "depth", path: "train.head.depth", rule: .integer(min: 0)),
        TrainParameter(name: "dropout", path: "train.head.dropout", rule: .real(lower: nonNegative, upper: belowOne)),
        TrainParameter(name: "optimizer", path: "train.optimizer.name",
                       rule: .choice(OptimizerName.allCases.map(\.rawValue))),
        TrainParameter(name: "lr", path: "train.optimizer.lr", rule: .real(lower: positive, upper: nil)),
        TrainParameter(name: "weight_decay", path: "train.optimizer.weight_decay", rule: .real(lower: nonNegative, upper: nil)),
        TrainParameter(name: "momentum", path: "train.optimizer.momentum", rule: .real(lower: nonNegative, upper: belowOne)),
        TrainParameter(name: "nesterov", path: "train.optimizer.nesterov", rule: .boolean),
        TrainParameter(name: "schedule", path: "train.schedule.name",
                       rule: .choice(ScheduleName.allCases.map(\.rawValue))),
        TrainParameter(name: "t_max", path: "train.schedule.t_max", rule: .integer(min: 1)),
        TrainParameter(name: "eta_min", path: "train.schedule.eta_min", rule: .real(lower: nonNegative, upper: nil)),
        TrainParameter(name: "step_size", path: "train.schedule.step_size", rule: .integer(min: 1)),
        TrainParameter(name: "gamma", path: "train.schedule.gamma", rule: .real(lower: positive, upper: nil)),
        TrainParameter(name: "schedule.step", path: "train.schedule.step",
                       rule: .choice(ScheduleUnit.allCases.map(\.rawValue))),
        TrainParameter(name: "loss", path: "train.loss.name", rule: .lossName),
        TrainParameter(name: "threshold", path: "train.threshold", rule: .real(lower: positive, upper: belowOne)),
    ]

    /// The parameter a grid key names: a fixed one by any spelling, or `loss.<p>` /
    /// `train.loss.<p>` for a loss plugin parameter.
    static func find(_ key: String) -> TrainParameter? {
        if let p = all.first(where: { $0.spellings.contains(key) }) { return p }
        for prefix in ["train.loss.", "loss."] where key.hasPrefix(prefix) {
            let name = String(key.dropFirst(prefix.count))
            guard !name.isEmpty, !name.contains("."), name != "name" else { return nil }
            return TrainParameter(name: "loss." + name, path: "train.loss." + name, rule: .pluginValue)
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
        let x = value.number ?? 0
        let word = value.string ?? ""
        switch parameter.path {
        case "train.epochs": config.epochs = Int(x)
        case "train.batch_size": config.batchSize = Int(x)
        case "train.head.depth": config.head.depth = Int(x)
        case "train.head.dropout": config.head.dropout = x
        case "train.optimizer.name": config.optimizer.name = OptimizerName(rawValue: word) ?? config.optimizer.name
        case "train.optimizer.lr": config.optimizer.lr = x
        case "train.optimizer.weight_decay": config.optimizer.weightDecay = x
        case "train.optimizer.momentum": config.optimizer.momentum = x
        case "train.optimizer.nesterov": if case .bool(let b) = value { config.optimizer.nesterov = b }
        case "train.schedule.name": config.schedule.name = ScheduleName(rawValue: word) ?? config.schedule.name
        case "train.schedule.t_max": config.schedule.tMax = Int(x)
        case "train.schedule.eta_min": config.schedule.etaMin = x
        case "train.schedule.step_size": config.schedule.stepSize = Int(x)
        case "train.schedule.gamma": config.schedule.gamma = x
        case "train.schedule.step": config.schedule.step = ScheduleUnit(rawValue: word) ?? config.schedule.step
        case "train.loss.name": config.loss.name = word
        case "train.threshold": config.threshold = x
        default:
            let lossPrefix = "train.loss."
            if parameter.path.hasPrefix(lossPrefix) {
                config.loss.parameters[String(parameter.path.dropFirst(lossPrefix.count))] = value.parameterValue
            }
        }
    }
}
