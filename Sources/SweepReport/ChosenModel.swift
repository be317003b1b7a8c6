// What the chosen head does on the validation split, from the scores its worker saved
// (`val_scores.npy`, `val_rows.npy`) and the targets: per-class counts at the threshold, as
// scikit-learn's precision_recall_fscore_support (zero_division=0), precision-recall curves
// as sklearn's precision_recall_curve (one point per distinct score, tied scores together) and
// average precision as average_precision_score (sum of (R_n - R_n-1) P_n), and a table of true
// against predicted labels. Predictions are score > threshold, as everywhere in sweep.
import Foundation
import SweepCore

/// The model `best/` holds.
public struct ChosenModel: Sendable {
    /// The trial (today; a refit model later) whose head it is.
    public var id: String
    /// The head's classes, in output order.
    public var classNames: [String]
    /// The decision threshold of each class.
    public var thresholds: [Double]
    /// The epoch whose weights it is.
    public var bestEpoch: Int?
    /// Its searched values.
    public var parameters: [String: SweptValue]
    /// Validation loss and metrics at that epoch, as recorded.
    public var validation: [String: Double]
    /// Computed from the saved validation scores; nil when the checkpoint has none.
    public var evaluation: ValidationEvaluation?
    /// The held-out test split's metrics, when the sweep has one (nil: no test split).
    public var test: [String: Double]?
    /// How the model was chosen, when the sweep says (e.g. refit on all non-test data); nil: the
    /// top-ranked trial's own head.
    public var selection: String?

    /// A chosen model from its parts.
    public init(id: String, classNames: [String], thresholds: [Double], bestEpoch: Int?, parameters: [String: SweptValue],
                validation: [String: Double], evaluation: ValidationEvaluation?, test: [String: Double]? = nil,
                selection: String? = nil) {
        self.id = id
        self.classNames = classNames
        self.thresholds = thresholds
        self.bestEpoch = bestEpoch
        self.parameters = parameters
        self.validation = validation
        self.evaluation = evaluation
        self.test = test
        self.selection = selection
    }
}

/// Counts and scores of one class at its threshold.
public struct ClassScores: Sendable, Equatable {
    /// True positives, false positives, false negatives.
    public var tp: Int, fp: Int, fn: Int
    /// tp + fn.
    public var support: Int { tp + fn }
    /// tp / (tp + fp), 0 when nothing is predicted.
    public var precision: Double { tp + fp == 0 ? 0 : Double(tp) / Double(tp + fp) }
    /// tp / (tp + fn), 0 when nothing is true.
    public var recall: Double { tp + fn == 0 ? 0 : Double(tp) / Double(tp + fn) }
    /// 2 tp / (2 tp + fp + fn), 0 when that is 0 / 0.
    public var f1: Double { 2 * tp + fp + fn == 0 ? 0 : Double(2 * tp) / Double(2 * tp + fp + fn) }

    /// Counts from their parts.
    public init(tp: Int, fp: Int, fn: Int) {
        self.tp = tp
        self.fp = fp
        self.fn = fn
    }
}

/// A precision-recall curve of one class.
public struct PRCurve: Sendable, Equatable {
    /// (recall, precision), recall increasing, starting at (0, 1).
    public var points: [(recall: Double, precision: Double)]
    /// Average precision.
    public var averagePrecision: Double
    /// Positive samples.
    public var positives: Int

    public static func == (a: PRCurve, b: PRCurve) -> Bool {
        a.averagePrecision == b.averagePrecision && a.positives == b.positives
            && a.points.elementsEqual(b.points) { $0.recall == $1.recall && $0.precision == $1.precision }
    }
}

/// The chosen head on the validation split.
public struct ValidationEvaluation: Sendable, Equatable {
    /// Samples scored.
    public var rows: Int
    /// One per class, at its threshold.
    public var perClass: [ClassScores]
    /// One per class.
    public var curves: [PRCurve]
    /// (C + 1, C + 1): `[i][j]` = samples with true label i and predicted label j; the last row
    /// counts samples with no true label, the last column samples with no predicted label.
    public var cooccurrence: [[Int]]

    /// The evaluation of `scores` against `targets`.
    ///
    /// - Parameters:
    ///   - scores: (rows, C) probabilities.
    ///   - targets: (rows, C) 0/1, the same samples in the same order.
    ///   - thresholds: (C) a class is predicted when its score is > its threshold.
    public init(scores: [Double], targets: [UInt8], rows: Int, thresholds: [Double]) {
        let classes = thresholds.count
        self.rows = rows
        var counts = [ClassScores](repeating: ClassScores(tp: 0, fp: 0, fn: 0), count: classes)
        var table = [[Int]](repeating: [Int](repeating: 0, count: classes + 1), count: classes + 1)
        for r in 0..<rows {
            var truth: [Int] = [], predicted: [Int] = []
            for c in 0..<classes {
                let p = scores[r * classes + c] > thresholds[c], t = targets[r * classes + c] != 0
                if p { predicted.append(c) }
                if t { truth.append(c) }
                if p && t { counts[c].tp += 1 } else if p { counts[c].fp += 1 } else if t { counts[c].fn += 1 }
            }
            for i in truth.isEmpty ? [classes] : truth {
                for j in predicted.isEmpty ? [classes] : predicted { table[i][j] += 1 }
            }
        }
        perClass = counts
        cooccurrence = table
        curves = (0..<classes).map { c in
            ValidationEvaluation.curve(scores: (0..<rows).map { scores[$0 * classes + c] },
                                       labels: (0..<rows).map { targets[$0 * classes + c] })
        }
    }

    /// Precision and recall at every distinct score, highest first (sklearn's
    /// `precision_recall_curve`, read from recall 0 upwards), and the average precision.
    ///
    /// - Parameters:
    ///   - scores: (n)
    ///   - labels: (n) 0/1
    static func curve(scores: [Double], labels: [UInt8]) -> PRCurve {
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        let positives = labels.filter { $0 != 0 }.count
        var points: [(recall: Double, precision: Double)] = [(0, 1)]
        var tp = 0, fp = 0
        var ap = 0.0, previousRecall = 0.0
        for (k, i) in order.enumerated() {
            if labels[i] != 0 { tp += 1 } else { fp += 1 }
            guard k + 1 == order.count || scores[order[k + 1]] != scores[i] else { continue }
            let recall = positives == 0 ? 1 : Double(tp) / Double(positives)
            let precision = Double(tp) / Double(tp + fp)
            points.append((recall, precision))
            if positives > 0 {
                ap += (recall - previousRecall) * precision
                previousRecall = recall
            }
        }
        return PRCurve(points: points, averagePrecision: positives == 0 ? 0 : ap, positives: positives)
    }
}
