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
/// Departures from the paper, both deliberate:
/// - A part whose c_j has reached 0 takes no more examples, so the part sizes are exactly
///   n - int(n * f) and int(n * f) (the paper's version may overshoot by a few examples).
/// - Random tie-breaks use `SeededRandom(seed:)`, so the split is reproducible from its seed;
///   examples of a label are visited in index order.
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

        // Remaining examples per label, desired sizes and desired per-label counts.
        var examplesOf = [[Int]](repeating: [], count: c)  // label -> example indices, ascending
        for i in 0..<n {
            for l in 0..<c where targets[i * c + l] != 0 { examplesOf[l].append(i) }
        }
        var desired = [Double(n - k), Double(k)]  // c_j
        var desiredPerLabel = (0..<2).map { j in examplesOf.map { Double($0.count) * ratios[j] } }  // c_j^i
        var assigned = [Int](repeating: -1, count: n)
        var remaining = examplesOf.map(\.count)

        func place(_ i: Int, preferring key: (Int) -> Double) {
            let open = (0..<2).filter { desired[$0] > 0 }
            let candidates = open.isEmpty ? [0, 1] : open
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
        for i in 0..<n where assigned[i] < 0 {  // examples without labels
            place(i) { desired[$0] }
        }
        let train = (0..<n).filter { assigned[$0] == 0 }
        let validation = (0..<n).filter { assigned[$0] == 1 }
        return (train, validation)
    }
}
