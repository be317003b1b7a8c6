import Foundation

/// The Parzen estimator of TPE (Bergstra et al. 2011, "Algorithms for Hyper-Parameter
/// Optimization"; Watanabe 2023, "Tree-Structured Parzen Estimator: Understanding Its Algorithm
/// Components and Why It Works"), as Optuna's `optuna/samplers/_tpe/parzen_estimator.py` and
/// `probability_distributions.py` build it: a mixture with one product kernel per observation
/// plus a prior kernel, the observations weighted by `TPEWeights` (older ones ramped down past 25),
/// the prior by `priorWeight`.
/// - numbers: truncated normals in the transformed space (log for log distributions; an integer's
///   bounds widened by half a step, its density the mass of its step), centred on the observations,
///   bandwidth the larger gap to a sorted neighbour (the outermost take their inner gap), clipped to
///   [(high - low) / min(100, 1 + kernels), high - low] (the "magic clip"); the prior kernel is
///   centred with bandwidth high - low;
/// - choices: each kernel puts `priorWeight / kernels` on every item plus 1 on its observed item,
///   normalised; the prior kernel is uniform.
struct ParzenEstimator {
    /// One dimension's kernels.
    enum Kernels {
        /// (K, C) item probabilities per kernel, as logs.
        case choice(logProbabilities: [[Double]], probabilities: [[Double]])
        /// Truncated normals in the transformed space; `step` 0 for reals.
        case number(Numbers)
    }

    struct Numbers {
        var mus: [Double]        // (K)
        var sigmas: [Double]     // (K)
        var low: Double, high: Double          // transformed, widened bounds
        var rawLow: Double, rawHigh: Double    // the distribution's own bounds
        var isLog: Bool
        var step: Double
        var logNormalizers: [Double]  // (K) log mass of [low, high] under each kernel
        var constants: [Double]       // (K) -log √(2π) - log sigma - log mass: a real's log density less -z²/2
        /// Kernels with the same (mu, sigma) (integers repeat): each kernel's group, and the groups'.
        var group: [Int]              // (K)
        var groupMus: [Double], groupSigmas: [Double]  // (G)
    }

    private struct KernelKey: Hashable { var mu: Double, sigma: Double }

    let weights: [Double]      // (K) mixture weights, sum 1
    let logWeights: [Double]   // (K)
    let dimensions: [Kernels]  // (D)

    /// The estimator of `observations` (N points of `space`, in trial order).
    init(observations: [[Double]], space: SearchSpace, priorWeight: Double) {
        let n = observations.count
        var w = n == 0 ? [1.0] : TPEWeights.weights(n) + [priorWeight]
        let total = w.reduce(0, +)
        w = w.map { $0 / total }
        weights = w
        logWeights = w.map { log($0) }
        dimensions = space.dimensions.enumerated().map { i, dimension in
            ParzenEstimator.kernels(observations.map { $0[i] }, dimension.distribution, priorWeight)
        }
    }

    private static func kernels(_ xs: [Double], _ distribution: Distribution, _ priorWeight: Double) -> Kernels {
        let n = xs.count
        switch distribution {
        case .choice(let count):
            var rows: [[Double]]
            if n == 0 {
                rows = [[Double](repeating: 1 / Double(count), count: count)]
            } else {
                let fill = priorWeight / Double(n + 1)
                rows = [[Double]](repeating: [Double](repeating: fill, count: count), count: n + 1)
                for (k, x) in xs.enumerated() { rows[k][Int(x)] += 1 }
                rows = rows.map { row in
                    let s = row.reduce(0, +)
                    return row.map { $0 / (s == 0 ? 1 : s) }
                }
            }
            return .choice(logProbabilities: rows.map { $0.map { log($0) } }, probabilities: rows)
        case .uniform(let lo, let hi): return .number(numbers(xs, lo, hi, isLog: false, step: 0))
        case .logUniform(let lo, let hi): return .number(numbers(xs, lo, hi, isLog: true, step: 0))
        case .int(let lo, let hi, let step): return .number(numbers(xs, Double(lo), Double(hi), isLog: false, step: Double(step)))
        case .logInt(let lo, let hi): return .number(numbers(xs, Double(lo), Double(hi), isLog: true, step: 1))
        }
    }

    private static func numbers(_ xs: [Double], _ rawLow: Double, _ rawHigh: Double, isLog: Bool, step: Double) -> Numbers {
        var low = rawLow - step / 2, high = rawHigh + step / 2
        var mus = xs
        if isLog {
            low = log(low)
            high = log(high)
            mus = mus.map { log($0) }
        }
        let n = mus.count
        var sigmas = [Double](repeating: 0, count: n)
        if n > 0 {
            let order = mus.indices.sorted { (mus[$0], $0) < (mus[$1], $1) }
            var ends: [Double] = [low]  // (n + 2)
            for i in order { ends.append(mus[i]) }
            ends.append(high)
            var sorted = [Double](repeating: 0, count: n)
            for i in 0..<n {
                let left: Double = ends[i + 1] - ends[i]
                let right: Double = ends[i + 2] - ends[i + 1]
                sorted[i] = max(left, right)
            }
            if ends.count >= 4 {  // consider_endpoints=False: the outermost take their inner gap
                sorted[0] = ends[2] - ends[1]
                sorted[n - 1] = ends[n] - ends[n - 1]
            }
            let maxSigma = high - low
            let minSigma = (high - low) / min(100, 1 + Double(n + 1))
            for (rank, i) in order.enumerated() { sigmas[i] = min(max(sorted[rank], minSigma), maxSigma) }
        }
        mus.append(0.5 * (low + high))
        sigmas.append(high - low)
        let normalizers = zip(mus, sigmas).map { mu, sigma in
            TruncatedNormal.logMass((low - mu) / sigma, (high - mu) / sigma)
        }
        let constants = zip(sigmas, normalizers).map { -TruncatedNormal.logSqrt2Pi - log($0) - $1 }
        var groupOf: [KernelKey: Int] = [:], group: [Int] = [], groupMus: [Double] = [], groupSigmas: [Double] = []
        if step > 0 {
            for (mu, sigma) in zip(mus, sigmas) {
                let key = KernelKey(mu: mu, sigma: sigma)
                if let g = groupOf[key] {
                    group.append(g)
                } else {
                    groupOf[key] = groupMus.count
                    group.append(groupMus.count)
                    groupMus.append(mu)
                    groupSigmas.append(sigma)
                }
            }
        }
        return Numbers(mus: mus, sigmas: sigmas, low: low, high: high, rawLow: rawLow, rawHigh: rawHigh,
                       isLog: isLog, step: step, logNormalizers: normalizers, constants: constants,
                       group: group, groupMus: groupMus, groupSigmas: groupSigmas)
    }

    /// `count` points drawn from the mixture: a kernel by weight, then each dimension from it.
    func sample(_ count: Int, _ random: inout SearchRandom) -> [[Double]] {
        (0..<count).map { _ in
            let k = random.pick(weights)
            return dimensions.map { kernels -> Double in
                switch kernels {
                case .choice(_, let probabilities):
                    let u = random.uniform()
                    var cumulative = 0.0, item = 0
                    for (j, p) in probabilities[k].enumerated() where j < probabilities[k].count - 1 {
                        cumulative += p
                        if cumulative < u { item = j + 1 }
                    }
                    return Double(item)
                case .number(let d):
                    let mu = d.mus[k], sigma = d.sigmas[k]
                    let z = TruncatedNormal.sample(a: (d.low - mu) / sigma, b: (d.high - mu) / sigma, q: random.uniform())
                    var x = mu + sigma * z
                    if d.isLog { x = exp(x) }
                    if d.step > 0 {
                        x = d.rawLow + ((x - d.rawLow) / d.step).rounded(.toNearestOrEven) * d.step
                    }
                    return min(max(x, d.rawLow), d.rawHigh)
                }
            }
        }
    }

    /// log of the mixture's density (for a step, its mass) at `x`.
    func logPDF(_ x: [Double]) -> Double { logPDFs([x])[0] }

    /// log of the mixture's density at each point of `xs`; a step dimension's kernel masses are
    /// computed once per distinct value (integers repeat among the candidates).
    func logPDFs(_ xs: [[Double]]) -> [Double] {
        var masses: [Int: [Double: [Double]]] = [:]  // dimension -> value -> (K) log masses
        return xs.map { x in
            var terms = logWeights  // (K)
            for (i, kernels) in dimensions.enumerated() {
                switch kernels {
                case .choice(let logProbabilities, _):
                    let item = Int(x[i])
                    for k in terms.indices { terms[k] += logProbabilities[k][item] }
                case .number(let d) where d.step == 0:
                    let v = d.isLog ? log(x[i]) : x[i]
                    d.mus.withUnsafeBufferPointer { mus in
                        d.sigmas.withUnsafeBufferPointer { sigmas in
                            d.constants.withUnsafeBufferPointer { constants in
                                for k in terms.indices {
                                    let z = (v - mus[k]) / sigmas[k]
                                    terms[k] += -0.5 * z * z + constants[k]
                                }
                            }
                        }
                    }
                case .number(let d):
                    let m: [Double]
                    if let cached = masses[i]?[x[i]] {
                        m = cached
                    } else {
                        let left = d.isLog ? log(x[i] - d.step / 2) : x[i] - d.step / 2
                        let right = d.isLog ? log(x[i] + d.step / 2) : x[i] + d.step / 2
                        let byGroup = zip(d.groupMus, d.groupSigmas).map { mu, sigma in
                            TruncatedNormal.logMass((left - mu) / sigma, (right - mu) / sigma)
                        }
                        m = terms.indices.map { k in byGroup[d.group[k]] - d.logNormalizers[k] }
                        masses[i, default: [:]][x[i]] = m
                    }
                    for k in terms.indices { terms[k] += m[k] }
                }
            }
            guard var top = terms.max() else { return -.infinity }
            if top == -.infinity { top = 0 }
            return log(terms.reduce(0) { $0 + exp($1 - top) }) + top
        }
    }
}

/// Optuna's `default_weights`: 1 for each of the last 25 observations, a ramp from 1/n to 1 before them.
enum TPEWeights {
    static func weights(_ n: Int) -> [Double] {
        if n < 25 { return [Double](repeating: 1, count: n) }
        let m = n - 25
        let start = 1 / Double(n)
        let ramp = (0..<m).map { i in m == 1 ? start : start + Double(i) * (1 - start) / Double(m - 1) }
        return ramp + [Double](repeating: 1, count: 25)
    }
}
