import SweepData
/// The label sets of the synthetic scenes, designed to match MIML's statistics.
///
/// MIML (2000 images): 1543 images with one label, 442 with two, 15 with three (1.236 labels
/// per image); per class desert 409, mountains 458, sea 580, sunset 465, trees 560. The table
/// below gives label-set counts per 2000 images that reproduce exactly those totals; the pairs
/// and triples follow plausible co-occurrences (sea + sunset most common, desert + trees rare).
/// The per-class sums are checked by a test against the published MIML numbers.
public enum SceneLabels {
    /// The five MIML classes, in MIML's order.
    public static let classNames = ["desert", "mountains", "sea", "sunset", "trees"]

    /// Label sets (class indices) and how many of 2000 images carry each.
    public static let labelSetsPer2000: [(labels: [Int], count: Int)] = [
        // singles: 1543
        ([0], 309), ([1], 216), ([2], 348), ([3], 272), ([4], 398),
        // pairs: 442
        ([0, 1], 60), ([0, 2], 10), ([0, 3], 20), ([0, 4], 10),
        ([1, 2], 60), ([1, 3], 40), ([1, 4], 70),
        ([2, 3], 100), ([2, 4], 50), ([3, 4], 22),
        // triples: 15
        ([1, 2, 3], 5), ([1, 2, 4], 4), ([2, 3, 4], 3), ([1, 3, 4], 3),
    ]

    /// The label sets of `n` images: each set gets its share of n (largest-remainder rounding of
    /// n * count / 2000, ties to the earlier table row), then the list is shuffled with `rng`.
    /// For n = 2000 the class counts are exactly MIML's.
    public static func draw(count n: Int, rng: inout SeededRandom) -> [[Int]] {
        let total = labelSetsPer2000.reduce(0) { $0 + $1.count }
        var quotas = labelSetsPer2000.map { n * $0.count / total }
        let remainders = labelSetsPer2000.enumerated().map { ($0.offset, n * $0.element.count % total) }
        let missing = n - quotas.reduce(0, +)
        let order = remainders.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
        for (row, _) in order.prefix(missing) { quotas[row] += 1 }
        var sets: [[Int]] = []
        sets.reserveCapacity(n)
        for (row, q) in quotas.enumerated() {
            sets += Array(repeating: labelSetsPer2000[row].labels, count: q)
        }
        rng.shuffle(&sets)
        return sets
    }
}
