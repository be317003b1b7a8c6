// Label-ranking metrics on scores, as scikit-learn (sklearn/metrics/_ranking.py):
// label_ranking_average_precision_score, coverage_error, label_ranking_loss; and one-error
// (Schapire & Singer 2000, not in sklearn). Ties follow sklearn: a label's rank counts every
// label scored >= it, and in the ranking loss a tied (relevant, irrelevant) pair is an error.
import SweepPluginAPI

/// sklearn's documentation example for LRAP and ranking loss.
private let rankingExample = MetricInput(scores: [0.75, 0.5, 1, 1, 0.2, 0.1], targets: [1, 0, 0, 0, 0, 1],
                                         rows: 2, columns: 3)

/// Label ranking average precision: per sample, the mean over its true labels j of
/// |{true k: s_k >= s_j}| / |{k: s_k >= s_j}|; 1 for a sample whose labels are all true or all false.
struct LabelRankingAveragePrecision: MetricPlugin {
    static let name = "lrap"
    static let summary = "label ranking average precision (sklearn label_ranking_average_precision_score)"
    static let higherIsBetter = true
    /// Row 1: true label ranked 2nd -> 1/2; row 2: true label ranked 3rd -> 1/3. Mean 5/12.
    static let examples = [MetricExample(input: rankingExample, expected: 5.0 / 12.0)]
    static func range(columns: Int) -> ClosedRange<Double> { 0...1 }
    init(parameters: PluginParameters) throws {}

    func evaluate(_ input: MetricInput) -> Double {
        input.meanOverRows { s, t in
            let relevant = zip(s, t).filter { $0.1 != 0 }.map(\.0)
            if relevant.isEmpty || relevant.count == input.columns { return 1 }
            var rowSum = 0.0
            for sj in relevant {
                let rank = s.filter { $0 >= sj }.count
                let above = relevant.filter { $0 >= sj }.count
                rowSum += Double(above) / Double(rank)
            }
            return rowSum / Double(relevant.count)
        }
    }
}

/// Coverage error: per sample, how many top-ranked labels are needed to cover every true label
/// (the count of labels scored >= its lowest-scored true label); 0 for a sample with no true label.
struct CoverageError: MetricPlugin {
    static let name = "coverage"
    static let summary = "labels needed from the top of the ranking to cover all true labels (sklearn coverage_error)"
    static let higherIsBetter = false
    /// sklearn's documentation example: 1 for the first sample, 2 (a tie) for the second.
    static let examples = [
        MetricExample(input: MetricInput(scores: [1, 0, 0, 0, 1, 1], targets: [1, 0, 0, 0, 1, 1], rows: 2, columns: 3),
                      expected: 1.5),
    ]
    static func range(columns: Int) -> ClosedRange<Double> { 0...Double(columns) }
    init(parameters: PluginParameters) throws {}

    func evaluate(_ input: MetricInput) -> Double {
        input.meanOverRows { s, t in
            guard let lowest = zip(s, t).filter({ $0.1 != 0 }).map(\.0).min() else { return 0 }
            return Double(s.filter { $0 >= lowest }.count)
        }
    }
}

/// Ranking loss: per sample, the share of (true, false) label pairs with the false label scored
/// >= the true one; 0 for a sample whose labels are all true or all false.
struct LabelRankingLoss: MetricPlugin {
    static let name = "ranking_loss"
    static let summary = "share of (true, false) label pairs ordered wrongly, ties count (sklearn label_ranking_loss)"
    static let higherIsBetter = false
    /// Row 1: 1 of 2 pairs wrong; row 2: 2 of 2. Mean 3/4.
    static let examples = [MetricExample(input: rankingExample, expected: 0.75)]
    static func range(columns: Int) -> ClosedRange<Double> { 0...1 }
    init(parameters: PluginParameters) throws {}

    func evaluate(_ input: MetricInput) -> Double {
        input.meanOverRows { s, t in
            let pos = zip(s, t).filter { $0.1 != 0 }.map(\.0)
            let neg = zip(s, t).filter { $0.1 == 0 }.map(\.0)
            if pos.isEmpty || neg.isEmpty { return 0 }
            var wrong = 0
            for sp in pos { wrong += neg.filter { $0 >= sp }.count }
            return Double(wrong) / Double(pos.count * neg.count)
        }
    }
}

/// One-error: the share of samples whose top-scored label is not a true one. A tie for the top
/// score goes to the first such column (numpy argmax); a sample with no true label is an error.
struct OneError: MetricPlugin {
    static let name = "one_error"
    static let summary = "share of samples whose top-scored label is not a true label (ties: first column)"
    static let higherIsBetter = false
    /// Row 1: top label 2 is false; row 2: top label 0 is false. Then a tie (0.5, 0.5) with only the
    /// second label true: the first column wins, an error.
    static let examples = [
        MetricExample(input: rankingExample, expected: 1),
        MetricExample(input: MetricInput(scores: [0.9, 0.1, 0.5, 0.5], targets: [1, 0, 0, 1], rows: 2, columns: 2),
                      expected: 0.5),
    ]
    static func range(columns: Int) -> ClosedRange<Double> { 0...1 }
    init(parameters: PluginParameters) throws {}

    func evaluate(_ input: MetricInput) -> Double {
        if input.columns == 0 { return .nan }
        return input.meanOverRows { s, t in
            var best = s.startIndex
            for i in s.indices where s[i] > s[best] { best = i }
            return t[best] == 0 ? 1 : 0
        }
    }
}
