import Foundation

/// A held-out test split and k-fold cross-validation on top of the train/validation split:
/// the test rows are carved first from all N rows (the same method and seed as the split),
/// then the rest is split into train/validation as without a test split, or into k folds by
/// carving fold j from the rows left with fraction 1/(k - j) (j = 0 ... k-2; the last fold is
/// what is left), each carve by the split's method: iterative stratification keeps every
/// fold's label proportions, `random` draws torch.randperm as `random_split` does.
extension DataSplit {
    /// Splits `dataset`: a test part of `int(N * testFraction)` rows (none when 0), then the
    /// other rows into train/validation (`validationFraction` of them) or, when `folds` >= 2,
    /// into `folds` folds.
    public static func make(_ dataset: LabelledImages, method: Method, validationFraction f: Double, seed: UInt64,
                            testFraction: Double, folds: Int) throws(DataSplitError) -> DataSplit {
        guard testFraction > 0 || folds > 1 else {
            return try make(dataset, method: method, validationFraction: f, seed: seed)
        }
        let n = dataset.count, c = dataset.classCount
        guard n <= TorchRandomSplit.maximumCount else { throw DataSplitError(message: "\(n) images is more than the \(TorchRandomSplit.maximumCount) supported") }
        var rest = Array(0..<n), test: [Int] = []
        var recipe = ""
        if testFraction > 0 {
            guard testFraction < 1 else { throw DataSplitError(message: "test fraction \(testFraction) is not below 1") }
            let t = TorchRandomSplit.validationCount(n, testFraction)
            guard t > 0, t < n else {
                throw DataSplitError(message: "test fraction \(testFraction) of \(n) images gives \(t) test images; it must be at least 1 and leave some")
            }
            (rest, test) = carve(method, rows: rest, targets: dataset.targets, classCount: c, fraction: testFraction, seed: seed)
            recipe = "test: \(t) of the \(n) rows carved first by \(describe(method, seed: seed)) with fraction \(testFraction) "
                + "(the carve's 'validation' part is the test split); then, on the other \(n - t) rows in ascending order: "
        }
        var train: [Int], validation: [Int] = [], foldRows: [[Int]]? = nil
        if folds > 1 {
            guard rest.count >= 2 * folds else {
                throw DataSplitError(message: "\(rest.count) non-test images cannot make \(folds) folds of at least 2 images")
            }
            var left = rest, out: [[Int]] = []
            for j in 0..<(folds - 1) {
                let fold: [Int]
                (left, fold) = carve(method, rows: left, targets: dataset.targets, classCount: c,
                                     fraction: 1 / Double(folds - j), seed: seed)
                out.append(fold)
            }
            out.append(left)
            train = rest
            foldRows = out
            recipe += "\(folds) folds: fold j carved from the rows left by \(describe(method, seed: seed)) with fraction "
                + "1/(\(folds) - j), the last fold is the rest (sizes \(out.map(\.count))); a run of fold j validates on it and "
                + "trains on the other folds; indices are 0-based rows"
        } else {
            let k = TorchRandomSplit.validationCount(rest.count, f)
            guard k > 0, k < rest.count else {
                throw DataSplitError(message: "validation fraction \(f) of \(rest.count) non-test images gives \(k) validation images; both parts must be at least 1")
            }
            (train, validation) = carve(method, rows: rest, targets: dataset.targets, classCount: c, fraction: f, seed: seed)
            recipe += "train/validation: \(describe(method, seed: seed)) with fraction \(f) (\(rest.count - k) train / \(k) validation); indices are 0-based rows"
        }
        return DataSplit(method: method, seed: seed, validationFraction: f, imageCount: n,
                         labelsFile: dataset.labelsFile.path, isSynthetic: dataset.isSynthetic, recipe: recipe,
                         trainIndices: train, validationIndices: validation,
                         trainFiles: train.map { dataset.imagePaths[$0] }, validationFiles: validation.map { dataset.imagePaths[$0] },
                         testFraction: testFraction, testIndices: test, testFiles: test.map { dataset.imagePaths[$0] },
                         folds: foldRows)
    }

    private static func describe(_ method: Method, seed: UInt64) -> String {
        switch method {
        case .random: return "torch.utils.data.random_split (generator seed \(seed); positions into the rows, ascending)"
        case .iterativeStratification: return "iterative stratification (Sechidis et al. 2011, seed \(seed))"
        }
    }

    /// Splits `rows` (data-set rows) into (kept, carved) with `int(rows.count * fraction)` carved,
    /// by `method` on those rows' targets.
    static func carve(_ method: Method, rows: [Int], targets: [UInt8], classCount c: Int, fraction: Double,
                      seed: UInt64) -> ([Int], [Int]) {
        let parts: (train: [Int], validation: [Int])
        switch method {
        case .random:
            parts = TorchRandomSplit.split(count: rows.count, validationFraction: fraction, seed: seed)
        case .iterativeStratification:
            var sub = [UInt8]()                                         // (rows, C)
            sub.reserveCapacity(rows.count * c)
            for r in rows { sub += targets[(r * c)..<((r + 1) * c)] }
            parts = IterativeStratification.split(targets: sub, classCount: c, validationFraction: fraction, seed: seed)
        }
        return (parts.train.map { rows[$0] }, parts.validation.map { rows[$0] })
    }
}
