/// Iterative stratification of multi-label data into a training and a validation part.
///
/// Reference: K. Sechidis, G. Tsoumakas, I. Vlahavas, "On the Stratification of Multi-Label
/// Data", ECML PKDD 2011, Algorithm 1. Labels are handled rarest first, so that rare labels
/// are spread over both parts before common ones use up the room:
/// - desired part sizes c_j and desired per-label counts c_j^i = |D^i| r_j;
/// - repeatedly take the label l with the fewest (but at least one) remaining examples, and
///   send each of its remaining examples to the part with the largest c_j^l, ties broken by the
///   largest c_j, then at random; decrement c_j and c_j^i for every label i of the example;
/// - examples with no label go to the part with the largest c_j.
///
/// Additions to the paper, both deliberate:
/// - The paper's part sizes can miss n - int(n * f) and int(n * f) by a few examples (on MIML-like
///   data, up to 7 of 2000), because multi-label images count for several labels. A repair step
///   (`repairSizes`) moves that many examples to the smaller part, then swaps pairs while that
///   improves the per-label balance, so sizes are exact and, on MIML-like data, every label's
///   validation count is within one image of f times its positives.
/// - Examples are visited in a random order drawn from the seed (a Fisher-Yates shuffle with
///   `SeededRandom(seed:)`), as scikit-multilearn and iterstrat shuffle the rows first; the same
///   generator breaks the remaining ties. Visiting rows in file order instead would hand the
///   first rows of each label to the training part and the last ones to validation whatever
///   the seed (so a CSV sorted by class would be split by position, and the seed would change
///   almost nothing). The split is reproducible from its seed.
public enum IterativeStratification {
    /// Splits the N images of `targets` (N, C) row-major 0/1 into (train, validation) 0-based
    /// index lists, each ascending, with `int(N * validationFraction)` validation images.
    public static func split(targets: [UInt8], classCount c: Int, validationFraction: Double,
                             seed: UInt64) -> (train: [Int], validation: [Int]) {
        precondition(c > 0 && targets.count % c == 0, "targets (N, C) with C = \(c)")
        let n = targets.count / c
        let k = TorchRandomSplit.validationCount(n, validationFraction)
        let ratios = [1 - Double(k) / Double(max(n, 1)), Double(k) / Double(max(n, 1))]
        var rng = SeededRandom(seed: seed)
        // The visiting order: a seeded permutation of the rows, so neither the file order nor
        // the seed-independent ties decide which rows go where.
        var order = Array(0..<n)
        rng.shuffle(&order)

        // Remaining examples per label, desired sizes and desired per-label counts.
        var examplesOf = [[Int]](repeating: [], count: c)  // label -> example indices, in visiting order
        for i in order {
            for l in 0..<c where targets[i * c + l] != 0 { examplesOf[l].append(i) }
        }
        var desired = [Double(n - k), Double(k)]  // c_j
        var desiredPerLabel = (0..<2).map { j in examplesOf.map { Double($0.count) * ratios[j] } }  // c_j^i
        var assigned = [Int](repeating: -1, count: n)
        var remaining = examplesOf.map(\.count)

        func place(_ i: Int, preferring key: (Int) -> Double) {
            let candidates = [0, 1]
            let best = candidates.map(key).max() ?? 0
            var tied = candidates.filter { key($0) == best }
            if tied.count > 1 {
                let most = tied.map { desired[$0] }.max() ?? 0
                tied = tied.filter { desired[$0] == most }
            }
            let m = tied.count == 1 ? tied[0] : tied[rng.below(tied.count)]
            assigned[i] = m
            desired[m] -= 1
            for l in 0..<c where targets[i * c + l] != 0 {
                desiredPerLabel[m][l] -= 1
                remaining[l] -= 1
            }
        }

        while true {
            // The label with the fewest remaining examples (ties at random).
            let alive = (0..<c).filter { remaining[$0] > 0 }
            guard let fewest = alive.map({ remaining[$0] }).min() else { break }
            let rarest = alive.filter { remaining[$0] == fewest }
            let l = rarest.count == 1 ? rarest[0] : rarest[rng.below(rarest.count)]
            for i in examplesOf[l] where assigned[i] < 0 {
                place(i) { desiredPerLabel[$0][l] }
            }
        }
        for i in order where assigned[i] < 0 {  // examples without labels
            place(i) { desired[$0] }
        }
        repairSizes(&assigned, targets: targets, classCount: c, validationCount: k, fraction: ratios[1], order: order)
        let train = (0..<n).filter { assigned[$0] == 0 }
        let validation = (0..<n).filter { assigned[$0] == 1 }
        return (train, validation)
    }

    /// Makes the validation part exactly `k` examples, then improves the per-label balance:
    /// (1) moves examples from the larger part to the smaller, each time one whose labels least
    /// increase the sum of squared deviations D = sum_l (validation positives_l - fraction *
    /// positives_l)^2; (2) swaps a validation example with a training one while that lowers D.
    /// Candidates are the first example (in `order`) of each distinct label set on each side.
    /// - Parameters:
    ///   - assigned: (N) part per example, 0 train, 1 validation.
    ///   - targets: (N, C) row-major 0/1.
    ///   - order: (N) the visiting order, a permutation of the rows.
    static func repairSizes(_ assigned: inout [Int], targets: [UInt8], classCount c: Int, validationCount k: Int, fraction: Double,
                            order: [Int]) {
        let n = assigned.count
        var deviation = [Double](repeating: 0, count: c)
        for i in 0..<n {
            for l in 0..<c where targets[i * c + l] != 0 {
                deviation[l] += (assigned[i] == 1 ? 1 : 0) - fraction
            }
        }
        /// Change of D when the examples' validation counts change by `change` (C).
        func cost(_ change: [Double]) -> Double {
            var total = 0.0
            for l in 0..<c where change[l] != 0 {
                total += (deviation[l] + change[l]) * (deviation[l] + change[l]) - deviation[l] * deviation[l]
            }
            return total
        }
        /// The first example in `order` of each label set in `part`.
        func representatives(_ part: Int) -> [Int] {
            var seen = Set<ArraySlice<UInt8>>(), out: [Int] = []
            for i in order where assigned[i] == part && seen.insert(targets[i * c ..< (i + 1) * c]).inserted { out.append(i) }
            return out
        }
        func labels(_ i: Int, _ sign: Double) -> [Double] { (0..<c).map { targets[i * c + $0] != 0 ? sign : 0 } }
        func move(_ i: Int, to part: Int) {
            assigned[i] = part
            for l in 0..<c where targets[i * c + l] != 0 { deviation[l] += part == 1 ? 1 : -1 }
        }

        var size = assigned.reduce(0, +)
        while size != k {
            let from = size > k ? 1 : 0
            let sign: Double = from == 1 ? -1 : 1
            guard let best = representatives(from).min(by: { cost(labels($0, sign)) < cost(labels($1, sign)) }) else { return }
            move(best, to: 1 - from)
            size += from == 1 ? -1 : 1
        }
        for _ in 0..<n {
            var best: (Int, Int)? = nil, bestCost = -1e-9
            let outs = representatives(1), ins = representatives(0)
            for i in outs {
                for j in ins {
                    let change = zip(labels(i, -1), labels(j, 1)).map { $0 + $1 }
                    let delta = cost(change)
                    if delta < bestCost { (best, bestCost) = ((i, j), delta) }
                }
            }
            guard let (i, j) = best else { break }
            move(i, to: 0)
            move(j, to: 1)
        }
    }
}
