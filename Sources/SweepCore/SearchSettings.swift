import SweepSearch

/// `search:`: how the trials' parameter values are chosen.
public struct SearchSettings: Sendable, Hashable, Codable {
    /// The three ways.
    public enum Method: String, Sendable, Hashable, Codable, CaseIterable {
        /// Every combination of the listed values (the default).
        case grid
        /// `trials` independent draws from the space, seeded.
        case random
        /// The tree-structured Parzen estimator (Optuna's TPESampler).
        case tpe
    }

    public var method: Method = .grid
    /// Trials drawn (random, tpe).
    public var trials: Int = 20
    /// Seed of the draws (not the trials' own `seed`).
    public var seed: Int = 0
    /// Seconds after which no new trial is started (running ones finish); nil: no limit.
    public var timeBudget: Double?

    public init() {}

    enum CodingKeys: String, CodingKey {
        case method, trials, seed
        case timeBudget = "time_budget"
    }
}

/// `pruner:`: stopping trials early on their epoch scores (the objective's metric each epoch).
public struct PrunerSettings: Sendable, Hashable, Codable {
    /// The rules.
    public enum Method: String, Sendable, Hashable, Codable, CaseIterable {
        case none, asha, median
    }

    public var method: Method = .none
    /// ASHA: epochs of the first rung.
    public var minResource: Int = 1
    /// ASHA: 1/reduction_factor of the trials go on at each rung.
    public var reductionFactor: Int = 3
    /// Median: complete trials needed before any pruning.
    public var startupTrials: Int = 5
    /// Median: epochs never pruned at.
    public var warmupEpochs: Int = 0
    /// Median: epochs between two decisions.
    public var interval: Int = 1

    public init() {}

    enum CodingKeys: String, CodingKey {
        case method
        case minResource = "min_resource"
        case reductionFactor = "reduction_factor"
        case startupTrials = "startup_trials"
        case warmupEpochs = "warmup_epochs"
        case interval
    }
}

extension SweepSpec {
    /// The grid's axes as a search space: a list is a choice (its index), a distribution itself.
    public var searchSpace: SearchSpace {
        SearchSpace(grid.map { SearchDimension(name: $0.name, distribution: $0.distribution ?? .choice(count: $0.values.count)) })
    }

    /// The swept parameters at `point` of `searchSpace`.
    public func parameters(at point: [Double]) -> [SweptParameter] {
        zip(grid, point).map { axis, x in
            if axis.distribution == nil {
                let i = min(max(Int(x), 0), axis.values.count - 1)
                return SweptParameter(name: axis.name, value: axis.values[i])
            }
            return SweptParameter(name: axis.name, value: .number(x))
        }
    }

    /// The point of `searchSpace` a trial's recorded parameters are at (nil when one is missing
    /// or not among a list's values).
    public func point(of parameters: [String: SweptValue]) -> [Double]? {
        var point: [Double] = []
        for axis in grid {
            guard let value = parameters[axis.name] else { return nil }
            if axis.distribution == nil {
                guard let i = axis.values.firstIndex(of: value) else { return nil }
                point.append(Double(i))
            } else {
                guard let x = value.number else { return nil }
                point.append(x)
            }
        }
        return point
    }
}
