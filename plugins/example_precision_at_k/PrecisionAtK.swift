// Example user plugin (see plugins/README.md): precision at k, the share of each sample's k
// top-scored labels that are true, averaged over samples (Manning et al., Introduction to
// Information Retrieval, 2008, section 8.4). Copy this folder to start a plugin of your own.
import SweepPluginAPI

/// Precision of the k top-scored labels of each sample, averaged over samples.
struct PrecisionAtK: MetricPlugin {
    static let name = "precision_at_k"
    static let summary = "share of each sample's k top-scored labels that are true, averaged (ties: first column)"
    static let parameters = [
        ParameterSpec("k", .number, default: .number(1), range: 1...1000, "how many top-scored labels count (rounded down)"),
    ]
    static let higherIsBetter = true
    static func range(columns: Int) -> ClosedRange<Double> { 0...1 }

    /// Worked by hand: row 1 ranks its labels (2, 0, 1), only label 0 true;
    /// row 2 ranks them (0, 1, 2), labels 0 and 1 true.
    static let examples = [
        // k = 1: row 1's top label is false (0), row 2's is true (1).
        MetricExample(input: sample, expected: 0.5),
        // k = 2: row 1 has 1 true label in its top two, row 2 has 2.
        MetricExample(parameters: ["k": .number(2)], input: sample, expected: (0.5 + 1) / 2),
    ]
    static let sample = MetricInput(scores: [0.5, 0.1, 0.9, 0.8, 0.3, 0.2], targets: [1, 0, 0, 1, 1, 0],
                                    rows: 2, columns: 3)

    let k: Int

    init(parameters: PluginParameters) throws {
        k = Int(parameters.number("k", default: 1))
    }

    func evaluate(_ input: MetricInput) -> Double {
        let top = min(k, input.columns)
        guard top > 0, input.rows > 0 else { return .nan }
        var sum = 0.0
        for r in 0..<input.rows {
            let row = r * input.columns
            // Columns by decreasing score; equal scores keep column order.
            let ranked = (0..<input.columns).sorted {
                let (a, b) = (input.scores[row + $0], input.scores[row + $1])
                return a != b ? a > b : $0 < $1
            }
            let hits = ranked.prefix(top).filter { input.targets[row + $0] != 0 }.count
            sum += Double(hits) / Double(top)
        }
        return sum / Double(input.rows)
    }
}
