import Foundation
import SweepSearch

/// Our samplers against Optuna's on the functions of Tests/Fixtures/make_sampler_fixture.py
/// (same definitions, budgets and seeds; Optuna's results are read from sampler_reference.json),
/// and the time of one TPE suggestion after 1000 finished trials.
struct SearchBench {
    struct Reference: Decodable {
        var optuna: String
        var trials: Int
        var seeds: [Int]
        var results: [String: [String: [String: [Double]]]]
    }

    static let branin = SearchSpace([SearchDimension(name: "x1", distribution: .uniform(low: -5, high: 10)),
                                     SearchDimension(name: "x2", distribution: .uniform(low: 0, high: 15))])
    static let hartmann = SearchSpace((0..<6).map { SearchDimension(name: "x\($0)", distribution: .uniform(low: 0, high: 1)) })
    static let noisy = SearchSpace([
        SearchDimension(name: "lr", distribution: .logUniform(low: 1e-5, high: 1)),
        SearchDimension(name: "dropout", distribution: .uniform(low: 0, high: 0.9)),
        SearchDimension(name: "depth", distribution: .int(low: 0, high: 3, step: 1)),
        SearchDimension(name: "width", distribution: .logInt(low: 16, high: 1024)),
        SearchDimension(name: "batch", distribution: .int(low: 16, high: 256, step: 16)),
        SearchDimension(name: "optimizer", distribution: .choice(count: 3)),
    ])

    static func braninValue(_ x: [Double]) -> Double {
        let b = 5.1 / (4 * Double.pi * Double.pi), c = 5 / Double.pi, t = 1 / (8 * Double.pi)
        let u = x[1] - b * x[0] * x[0] + c * x[0] - 6
        return u * u + 10 * (1 - t) * cos(x[0]) + 10
    }

    static func hartmannValue(_ x: [Double]) -> Double {
        let alpha = [1.0, 1.2, 3.0, 3.2]
        let a: [[Double]] = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
        let p: [[Double]] = [[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
                             [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]]
        var total = 0.0
        for i in 0..<4 {
            var inner = 0.0
            for j in 0..<6 { inner += a[i][j] * pow(x[j] - p[i][j] * 1e-4, 2) }
            total -= alpha[i] * exp(-inner)
        }
        return total
    }

    static func noisyTrue(_ x: [Double]) -> Double {
        0.3 * pow(log10(x[0]) + 2.5, 2) + 2 * pow(x[1] - 0.35, 2) + 0.15 * abs(x[2] - 2)
            + 0.025 * pow(log2(x[3]) - 8, 2) + 0.2 * pow((x[4] - 64) / 192, 2) + [0, 0.3, 0.15][Int(x[5])]
    }

    /// The best value after 50 and after `trials` trials of one run (for `noisy`: the true value
    /// of the trial with the best observed value).
    static func run(_ function: String, sampler: String, seed: Int, trials: Int) -> [Double] {
        let space = function == "branin" ? branin : function == "hartmann6" ? hartmann : noisy
        let s: any Sampler = sampler == "tpe" ? TPESampler(space: space, seed: seed, direction: .minimize)
            : RandomSampler(space: space, seed: seed)
        var history: [Observation] = [], truth: [Double] = [], observed: [Double] = []
        for i in 0..<trials {
            let x = s.suggest(index: i, history: history)
            let v: Double
            switch function {
            case "branin": v = braninValue(x)
            case "hartmann6": v = hartmannValue(x)
            default:
                var noise = SearchRandom(seed: 10_000 + seed, index: i, stream: 9)
                v = noisyTrue(x) + 0.1 * noise.normal()
            }
            truth.append(function == "noisy" ? noisyTrue(x) : v)
            observed.append(v)
            history.append(Observation(point: x, state: .complete(v)))
        }
        return [50, trials].map { n in
            let best = (0..<n).min { observed[$0] < observed[$1] } ?? 0
            return truth[best]
        }
    }

    /// Median and interquartile range (numpy's linear percentiles).
    static func summary(_ xs: [Double]) -> (median: Double, q1: Double, q3: Double) {
        let s = xs.sorted()
        func q(_ p: Double) -> Double {
            let pos = Double(s.count - 1) * p
            let lo = Int(pos), hi = min(lo + 1, s.count - 1)
            return s[lo] + (s[hi] - s[lo]) * (pos - Double(lo))
        }
        return (q(0.5), q(0.25), q(0.75))
    }

    func table(report: Report, referencePath: String) throws {
        let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: URL(fileURLWithPath: referencePath)))
        report.line("Best value found (minimised; median [IQR] over \(reference.seeds.count) seeds; Optuna \(reference.optuna) from Tests/Fixtures/search/sampler_reference.json; noisy: true value of the best observed trial)\n")
        var rows: [[String]] = []
        for function in ["branin", "hartmann6", "noisy"] {
            var ours: [String: [[Double]]] = [:]
            for sampler in ["tpe", "random"] {
                ours[sampler] = reference.seeds.map { SearchBench.run(function, sampler: sampler, seed: $0, trials: reference.trials) }
            }
            for (k, budget) in [(0, 50), (1, reference.trials)] {
                func cell(_ xs: [Double]) -> String {
                    let s = SearchBench.summary(xs)
                    return "\(fmt(s.median, 3)) [\(fmt(s.q1, 3)), \(fmt(s.q3, 3))]"
                }
                let key = "best\(budget)"
                let oTPE = reference.results[function]?["tpe"]?[key] ?? []
                let oRandom = reference.results[function]?["random"]?[key] ?? []
                let sTPE = (ours["tpe"] ?? []).map { $0[k] }, sRandom = (ours["random"] ?? []).map { $0[k] }
                let ref = SearchBench.summary(oTPE), mine = SearchBench.summary(sTPE)
                let verdict = mine.median <= ref.q3 && mine.median < SearchBench.summary(sRandom).median
                    ? (mine.median <= ref.median ? "better or equal" : "within Optuna's IQR") : "WORSE"
                rows.append([function, "\(budget)", cell(oTPE), cell(sTPE), cell(oRandom), cell(sRandom), verdict])
            }
        }
        report.table(["function", "trials", "Optuna TPE", "sweep TPE", "Optuna random", "sweep random", "sweep TPE vs Optuna TPE"], rows)
    }

    /// Median milliseconds of one TPE suggestion after `finished` complete trials.
    func suggestionMs(_ space: SearchSpace, finished: Int, value: ([Double]) -> Double) -> Double {
        let random = RandomSampler(space: space, seed: 1)
        let history = (0..<finished).map { i -> Observation in
            let x = random.suggest(index: i)
            return Observation(point: x, state: .complete(value(x)))
        }
        let tpe = TPESampler(space: space, seed: 1, direction: .minimize)
        var times: [Double] = []
        for i in 0..<15 {
            let t0 = now()
            _ = tpe.suggest(index: finished + i, history: history)
            times.append((now() - t0) * 1000)
        }
        return times.sorted()[times.count / 2]
    }
}
