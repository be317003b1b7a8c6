/// The search space of a sweep: one distribution per searched parameter, as in Optuna's
/// `CategoricalDistribution`, `FloatDistribution` (`log`) and `IntDistribution` (`step`, `log`).
/// A point of the space is one `Double` per dimension: the value itself for numbers, the index
/// of the chosen item for a choice.

/// Whether smaller or larger objective values are better.
public enum Direction: String, Sendable, Hashable, Codable {
    case minimize, maximize

    /// True when `a` is strictly better than `b`.
    public func better(_ a: Double, than b: Double) -> Bool { self == .minimize ? a < b : a > b }
}

/// Where one parameter's values are drawn from.
public enum Distribution: Sendable, Hashable, CustomStringConvertible {
    /// One of `count` listed items (a point holds the item's index).
    case choice(count: Int)
    /// A real number in [low, high].
    case uniform(low: Double, high: Double)
    /// A real number in [low, high] (low > 0) whose logarithm is uniform.
    case logUniform(low: Double, high: Double)
    /// An integer low, low + step, ..., high.
    case int(low: Int, high: Int, step: Int)
    /// An integer in [low, high] (low >= 1) whose logarithm is uniform (before rounding).
    case logInt(low: Int, high: Int)

    /// Why the distribution cannot be sampled (as the sweep file would be told), or nil.
    public var problem: String? {
        switch self {
        case .choice(let count):
            return count < 1 ? "give at least one value" : nil
        case .uniform(let low, let high):
            if !low.isFinite || !high.isFinite { return "bounds must be finite numbers" }
            return low < high ? nil : "needs low < high, got [\(show(low)), \(show(high))]"
        case .logUniform(let low, let high):
            if !low.isFinite || !high.isFinite { return "bounds must be finite numbers" }
            if low <= 0 { return "log_uniform needs low > 0, got \(show(low))" }
            return low < high ? nil : "needs low < high, got [\(show(low)), \(show(high))]"
        case .int(let low, let high, let step):
            if step < 1 { return "step must be an integer >= 1, got \(step)" }
            if low >= high { return "needs low < high, got [\(low), \(high)]" }
            if (high - low) % step != 0 {
                let fitted = low + (high - low) / step * step
                return "high - low (\(high - low)) is not a multiple of the step \(step); use high \(fitted) or \(fitted + step)"
            }
            return nil
        case .logInt(let low, let high):
            if low < 1 { return "log_int needs low >= 1, got \(low)" }
            return low < high ? nil : "needs low < high, got [\(low), \(high)]"
        }
    }

    /// The values of a finite distribution in order (choice indices, or the integers), nil for reals.
    public var finiteValues: [Double]? {
        switch self {
        case .choice(let count): return (0..<count).map(Double.init)
        case .int(let low, let high, let step): return stride(from: low, through: high, by: step).map(Double.init)
        case .logInt(let low, let high): return (low...high).map(Double.init)
        case .uniform, .logUniform: return nil
        }
    }

    /// True when `x` is a value this distribution can give.
    public func contains(_ x: Double) -> Bool {
        guard x.isFinite else { return false }
        switch self {
        case .choice(let count): return x >= 0 && x < Double(count) && x.rounded() == x
        case .uniform(let low, let high), .logUniform(let low, let high): return x >= low && x <= high
        case .int(let low, let high, let step):
            return x >= Double(low) && x <= Double(high) && x.rounded() == x && (Int(x) - low) % step == 0
        case .logInt(let low, let high): return x >= Double(low) && x <= Double(high) && x.rounded() == x
        }
    }

    /// As the sweep file writes it: `{log_uniform: [1e-05, 0.1]}`, `{int: [0, 3], step: 1}`, `choice of 3`.
    public var description: String {
        switch self {
        case .choice(let count): return "choice of \(count)"
        case .uniform(let low, let high): return "{uniform: [\(show(low)), \(show(high))]}"
        case .logUniform(let low, let high): return "{log_uniform: [\(show(low)), \(show(high))]}"
        case .int(let low, let high, let step):
            return step == 1 ? "{int: [\(low), \(high)]}" : "{int: [\(low), \(high)], step: \(step)}"
        case .logInt(let low, let high): return "{log_int: [\(low), \(high)]}"
        }
    }
}

/// A number as the sweep file would show it: `0.001`, `1e-05`, `3`.
func show(_ x: Double) -> String {
    if x.rounded() == x && abs(x) < 1e15 { return String(Int(x)) }
    return "\(x)"
}

/// One searched parameter.
public struct SearchDimension: Sendable, Hashable {
    /// The parameter's name (`lr`, `dropout`, `loss.gamma`).
    public var name: String
    /// Where its values come from.
    public var distribution: Distribution

    /// A dimension called `name`.
    public init(name: String, distribution: Distribution) {
        self.name = name
        self.distribution = distribution
    }
}

/// The searched parameters, in file order.
public struct SearchSpace: Sendable, Hashable {
    /// The dimensions, in file order; a point has one value per dimension in this order.
    public var dimensions: [SearchDimension]

    /// A space over `dimensions`.
    public init(_ dimensions: [SearchDimension]) { self.dimensions = dimensions }

    /// True when every dimension is finite (a grid can enumerate it).
    public var isFinite: Bool { dimensions.allSatisfy { $0.distribution.finiteValues != nil } }

    /// True when `point` has one value per dimension, each inside its distribution.
    public func contains(_ point: [Double]) -> Bool {
        point.count == dimensions.count && zip(point, dimensions).allSatisfy { $1.distribution.contains($0) }
    }
}
