import SweepPluginAPI

/// SplitMix64 (Steele et al. 2014): a small seeded generator, so every run checks the same inputs.
struct SplitMix64 {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// Uniform in 0..<n.
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

/// A batch of logits and targets, row-major.
struct LossBatch {
    /// (rows, columns)
    var logits: [Float]
    /// (rows, columns), 0 or 1
    var targets: [Float]
    var rows: Int
    var columns: Int

    /// Rows of `self` followed by rows of `other` (same columns).
    func appending(_ other: LossBatch) -> LossBatch {
        LossBatch(logits: logits + other.logits, targets: targets + other.targets,
                  rows: rows + other.rows, columns: columns)
    }

    /// The same cells with the rows taken in `order`.
    func reordered(_ order: [Int]) -> LossBatch {
        var x: [Float] = [], y: [Float] = []
        for r in order {
            x += logits[(r * columns)..<((r + 1) * columns)]
            y += targets[(r * columns)..<((r + 1) * columns)]
        }
        return LossBatch(logits: x, targets: y, rows: rows, columns: columns)
    }

    /// Random logits in [-spread, spread]; each row has one or two positive labels.
    static func random(rows: Int, columns: Int, spread: Double, seed: UInt64) -> LossBatch {
        var g = SplitMix64(state: seed)
        var logits = [Float](repeating: 0, count: rows * columns)
        var targets = [Float](repeating: 0, count: rows * columns)
        for r in 0..<rows {
            for c in 0..<columns { logits[r * columns + c] = Float((2 * g.uniform() - 1) * spread) }
            targets[r * columns + g.below(columns)] = 1
            if r % 2 == 1 { targets[r * columns + g.below(columns)] = 1 }
        }
        return LossBatch(logits: logits, targets: targets, rows: rows, columns: columns)
    }

    /// Training-split statistics for a loss under test: 100 samples, 10 to 59 positives per
    /// class (never 0, so that weights such as negatives/positives stay finite).
    var context: LossContext {
        LossContext(classNames: (0..<columns).map { "class\($0)" },
                    positives: (0..<columns).map { 10 + (17 * $0) % 50 }, samples: 100)
    }
}

extension MetricInput {
    /// Random scores; every row and every label has both a positive and a negative target,
    /// so that every metric is defined. `levels` > 0 rounds scores to that many steps (ties).
    static func wellDefined(rows: Int, columns: Int, levels: Int, seed: UInt64) -> MetricInput {
        var g = SplitMix64(state: seed)
        var scores = [Double](repeating: 0, count: rows * columns)
        var targets = [UInt8](repeating: 0, count: rows * columns)
        for r in 0..<rows {
            for c in 0..<columns {
                let u = g.uniform()
                scores[r * columns + c] = levels > 0 ? (u * Double(levels)).rounded(.down) / Double(levels) : u
                targets[r * columns + c] = g.below(3) == 0 ? 1 : 0
            }
            targets[r * columns + r % columns] = 1
            targets[r * columns + (r + 1) % columns] = 0
        }
        return MetricInput(scores: scores, targets: targets, rows: rows, columns: columns)
    }

    /// The same cells with the rows taken in `order`.
    func reordered(_ order: [Int]) -> MetricInput {
        var s: [Double] = [], t: [UInt8] = []
        for r in order {
            s += scores[(r * columns)..<((r + 1) * columns)]
            t += targets[(r * columns)..<((r + 1) * columns)]
        }
        return MetricInput(scores: s, targets: t, rows: rows, columns: columns, threshold: threshold)
    }
}
