import Foundation
import SweepData
import SweepPluginAPI
import SweepTensor
import SweepTrain

/// The validation scores of a trial's chosen epoch, kept in its checkpoint folder beside the
/// head: `val_scores.npy` (rows, classes) float64 probabilities, as the metrics saw them, and
/// `val_rows.npy` (rows,) int64, the data-set row (feature-cache row) of each, in the order
/// the trial evaluated them. With the targets in `context.json` they give everything computed
/// from the chosen head's validation predictions (per-class precision and recall, PR curves).
public struct ValidationScores: Sendable, Equatable {
    /// `val_scores.npy`.
    public static let scoresFile = "val_scores.npy"
    /// `val_rows.npy`.
    public static let rowsFile = "val_rows.npy"

    /// Data-set row of each scored sample.
    public var rows: [Int]
    /// Outputs of the head.
    public var classes: Int
    /// (rows.count, classes) probabilities, row-major.
    public var scores: [Double]

    /// Scores from their parts.
    public init(rows: [Int], classes: Int, scores: [Double]) {
        self.rows = rows
        self.classes = classes
        self.scores = scores
    }

    /// Eval-mode probabilities of `head` on the validation rows of `data`.
    public init(head: Head, data: TrialData, activation: ScoreActivation) {
        let rows = data.validationIndices, width = data.features.columns
        let x = FloatBuffer(count: max(1, rows.count * width))   // (rows, D)
        for (k, row) in rows.enumerated() {
            (x.pointer + k * width).update(from: data.features.base + row * width, count: width)
        }
        self.init(rows: rows, classes: head.config.classes,
                  scores: head.probabilities(features: x.pointer, rows: rows.count, activation: activation))
    }

    /// Writes both files into `folder`.
    public func write(into folder: String) throws {
        try DurableFiles.writeAtomically(NPY.file(scores, shape: [rows.count, classes]), to: folder + "/" + Self.scoresFile)
        try DurableFiles.writeAtomically(NPY.file(rows, shape: [rows.count]), to: folder + "/" + Self.rowsFile)
    }

    /// Reads them from a checkpoint folder; nil when the folder has none (heads written by
    /// versions before the report), an error when they are there but unreadable.
    public static func read(from folder: String) throws -> ValidationScores? {
        let scoresPath = folder + "/" + scoresFile, rowsPath = folder + "/" + rowsFile
        guard let scoreData = FileManager.default.contents(atPath: scoresPath) else { return nil }
        guard let rowData = FileManager.default.contents(atPath: rowsPath) else {
            throw FileError(path: rowsPath, reason: "missing beside \(scoresFile)")
        }
        do {
            let s = try NPY.read(scoreData), r = try NPY.read(rowData)
            guard s.shape.count == 2, r.shape == [s.shape[0]] else {
                throw NPY.Invalid(description: "shapes \(s.shape) and \(r.shape) do not match")
            }
            return ValidationScores(rows: r.values.map { Int($0) }, classes: s.shape[1], scores: s.values)
        } catch {
            throw FileError(path: scoresPath, reason: "\(error)")
        }
    }
}
