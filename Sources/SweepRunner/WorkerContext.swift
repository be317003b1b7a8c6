import Foundation
import SweepData
import SweepVision

/// What every worker of a sweep shares, written once by the orchestrator to
/// `results/<name>/context.json` and read by `sweep worker --context FILE`.
public struct WorkerContext: Codable, Sendable {
    /// The sweep's name.
    public var sweep: String
    /// The feature cache folder and the key of this data set's features.
    public var cacheDirectory: String
    /// The key of this data set's features in that cache.
    public var cacheKey: String
    /// Class names, in column order.
    public var classNames: [String]
    /// (N, C) 0/1 targets, row-major, in the cache's row order; the test rows' are all 0
    /// (`blankingTest`): no worker ever holds a test label.
    public var targets: [UInt8]
    /// Row numbers of the training split (every non-test row with folds).
    public var trainIndices: [Int]
    /// Row numbers of the validation split (empty with folds).
    public var validationIndices: [Int]
    /// With cross-validation, the validation rows of each fold (a partition of `trainIndices`).
    public var folds: [[Int]]? = nil
    /// Where workers write `checkpoints/<id>/`.
    public var checkpointsDirectory: String
    /// OpenBLAS threads per worker (workers x threads = cores).
    public var blasThreads: Int
    /// For model cards: the trunk weights as given, their identity, the preprocessing.
    public var weights: String
    /// `sha256:<hex>` or `random:<seed> init-v1`.
    public var weightsIdentity: String
    /// The preprocessing the features were computed with.
    public var preprocessing: Preprocessing
    /// Describes the data (says when it is synthetic).
    public var dataDescription: String
    /// The shared suite's failures of plugins the sweep uses, by plugin name, when it was run
    /// with `--allow-failing-plugins` (nil or empty: every plugin it uses passed).
    public var pluginCheckFailures: [String: [String]]? = nil

    /// `targets` (N, C) with every row of `testRows` set to 0.
    public static func blankingTest(_ targets: [UInt8], classes: Int, testRows: [Int]) -> [UInt8] {
        var out = targets
        for r in testRows { for c in 0..<classes { out[r * classes + c] = 0 } }
        return out
    }

    /// The (train, validation) rows of a run: fold `fold`'s, or the single split's when nil;
    /// a refit trains on every non-test row (and reports on them).
    public func rows(fold: Int?, refit: Bool = false) -> (train: [Int], validation: [Int]) {
        if refit {
            let all = trainIndices + validationIndices
            return (all, all)
        }
        guard let fold, let folds, folds.indices.contains(fold) else { return (trainIndices, validationIndices) }
        let held = Set(folds[fold])
        return (trainIndices.filter { !held.contains($0) }, folds[fold])
    }

    /// Reads a context file.
    public static func read(_ path: String) throws -> WorkerContext {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FileError(path: path, reason: "cannot read the worker context")
        }
        do {
            return try WorkerCodec.decoder().decode(WorkerContext.self, from: data)
        } catch {
            throw FileError(path: path, reason: "not a worker context: \(error)")
        }
    }

    /// Writes it atomically.
    public func write(to path: String) throws {
        try DurableFiles.writeAtomically(try WorkerCodec.encoder().encode(self), to: path)
    }
}
