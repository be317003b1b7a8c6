import Foundation
import SweepCSV

/// A train/validation split with everything needed to reproduce it; written beside every result.
public struct DataSplit: Codable, Equatable, Sendable {
    /// How the split was drawn.
    public enum Method: String, Codable, Sendable, CaseIterable {
        /// `torch.utils.data.random_split` with a seeded `torch.Generator` (the notebook's split).
        case random
        /// Iterative stratification (Sechidis et al. 2011), rows visited in a seeded random order.
        case iterativeStratification = "iterative-stratification"
    }

    /// How the split was drawn.
    public var method: Method
    /// The seed.
    public var seed: UInt64
    /// The validation fraction f; the validation part has int(N * f) images.
    public var validationFraction: Double
    /// N, the number of images split.
    public var imageCount: Int
    /// The labels file of the data set split.
    public var labelsFile: String
    /// Whether the data set is synthetic.
    public var isSynthetic: Bool
    /// How to reproduce the split, in words (and, for `random`, in PyTorch).
    public var recipe: String
    /// 0-based training rows (the order the method produced).
    public var trainIndices: [Int]
    /// 0-based validation rows.
    public var validationIndices: [Int]
    /// Image paths of the training rows (relative to the data set root).
    public var trainFiles: [String]
    /// Image paths of the validation rows.
    public var validationFiles: [String]
    /// The test fraction t carved first (int(N * t) images); 0: no test split.
    public var testFraction: Double = 0
    /// 0-based test rows: no trial sees them (empty without a test split).
    public var testIndices: [Int] = []
    /// Image paths of the test rows.
    public var testFiles: [String] = []
    /// With cross-validation, the validation rows of each fold (they partition `trainIndices`,
    /// which then holds every non-test row, and `validationIndices` is empty); nil without.
    public var folds: [[Int]]? = nil

    enum CodingKeys: String, CodingKey {
        case method, seed, validationFraction, imageCount, labelsFile, isSynthetic, recipe, trainIndices, validationIndices,
             trainFiles, validationFiles, testFraction, testIndices, testFiles, folds
    }

    /// A split from its parts.
    public init(method: Method, seed: UInt64, validationFraction: Double, imageCount: Int, labelsFile: String,
                isSynthetic: Bool, recipe: String, trainIndices: [Int], validationIndices: [Int], trainFiles: [String],
                validationFiles: [String], testFraction: Double = 0, testIndices: [Int] = [], testFiles: [String] = [],
                folds: [[Int]]? = nil) {
        self.method = method
        self.seed = seed
        self.validationFraction = validationFraction
        self.imageCount = imageCount
        self.labelsFile = labelsFile
        self.isSynthetic = isSynthetic
        self.recipe = recipe
        self.trainIndices = trainIndices
        self.validationIndices = validationIndices
        self.trainFiles = trainFiles
        self.validationFiles = validationFiles
        self.testFraction = testFraction
        self.testIndices = testIndices
        self.testFiles = testFiles
        self.folds = folds
    }

    /// Reads split files written before test splits and folds existed.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        method = try c.decode(Method.self, forKey: .method)
        seed = try c.decode(UInt64.self, forKey: .seed)
        validationFraction = try c.decode(Double.self, forKey: .validationFraction)
        imageCount = try c.decode(Int.self, forKey: .imageCount)
        labelsFile = try c.decode(String.self, forKey: .labelsFile)
        isSynthetic = try c.decode(Bool.self, forKey: .isSynthetic)
        recipe = try c.decode(String.self, forKey: .recipe)
        trainIndices = try c.decode([Int].self, forKey: .trainIndices)
        validationIndices = try c.decode([Int].self, forKey: .validationIndices)
        trainFiles = try c.decode([String].self, forKey: .trainFiles)
        validationFiles = try c.decode([String].self, forKey: .validationFiles)
        testFraction = try c.decodeIfPresent(Double.self, forKey: .testFraction) ?? 0
        testIndices = try c.decodeIfPresent([Int].self, forKey: .testIndices) ?? []
        testFiles = try c.decodeIfPresent([String].self, forKey: .testFiles) ?? []
        folds = try c.decodeIfPresent([[Int]].self, forKey: .folds)
    }

    /// Every row a trial may see: the training and validation rows (all but the test rows).
    public var nonTestIndices: [Int] { trainIndices + validationIndices }

    /// The (train, validation) rows of fold `fold`, or of the single split when `fold` is nil.
    public func rows(fold: Int?) -> (train: [Int], validation: [Int]) {
        guard let fold, let folds, folds.indices.contains(fold) else { return (trainIndices, validationIndices) }
        let held = Set(folds[fold])
        return (trainIndices.filter { !held.contains($0) }, folds[fold])
    }

    /// Splits `dataset` with `method`.
    public static func make(_ dataset: LabelledImages, method: Method, validationFraction f: Double,
                            seed: UInt64) throws(DataSplitError) -> DataSplit {
        let n = dataset.count
        guard f > 0, f < 1 else { throw DataSplitError(message: "validation fraction \(f) is not strictly between 0 and 1") }
        guard n <= TorchRandomSplit.maximumCount else { throw DataSplitError(message: "\(n) images is more than the \(TorchRandomSplit.maximumCount) supported") }
        let k = TorchRandomSplit.validationCount(n, f)
        guard k > 0, k < n else {
            throw DataSplitError(message: "validation fraction \(f) of \(n) images gives \(k) validation and \(n - k) training images; both must be at least 1")
        }
        let parts: (train: [Int], validation: [Int])
        let recipe: String
        switch method {
        case .random:
            parts = TorchRandomSplit.split(count: n, validationFraction: f, seed: seed)
            recipe = "torch.utils.data.random_split(dataset, [\(n - k), \(k)], generator=torch.Generator().manual_seed(\(seed))): train = first \(n - k) of torch.randperm(\(n)), validation = the rest; indices are 0-based rows of the data set"
        case .iterativeStratification:
            parts = IterativeStratification.split(targets: dataset.targets, classCount: dataset.classCount,
                                                  validationFraction: f, seed: seed)
            recipe = "iterative stratification (Sechidis, Tsoumakas & Vlahavas 2011) into \(n - k) train / \(k) validation, rows visited in a random order drawn from seed \(seed), which also breaks ties (xoshiro256**, sweep's SweepData.IterativeStratification); indices are 0-based rows"
        }
        return DataSplit(method: method, seed: seed, validationFraction: f, imageCount: n,
                         labelsFile: dataset.labelsFile.path, isSynthetic: dataset.isSynthetic, recipe: recipe,
                         trainIndices: parts.train, validationIndices: parts.validation,
                         trainFiles: parts.train.map { dataset.imagePaths[$0] },
                         validationFiles: parts.validation.map { dataset.imagePaths[$0] })
    }

    /// Pretty, key-sorted JSON.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }

    /// A split read back from `json()`.
    public static func read(json data: Data) throws -> DataSplit {
        try JSONDecoder().decode(DataSplit.self, from: data)
    }

    /// CSV `index,filename,subset` with one row per image in the order of the split
    /// (training rows first, then validation, then test), written by `CSVWriter` (RFC 4180).
    /// With folds a non-test row's subset is its fold, `fold0`, `fold1`, ...
    public func csv() -> String {
        var foldOf: [Int: Int] = [:]
        for (f, rows) in (folds ?? []).enumerated() { for r in rows { foldOf[r] = f } }
        let rows = zip(trainIndices, trainFiles).map { ["\($0)", $1, foldOf[$0].map { "fold\($0)" } ?? "train"] }
            + zip(validationIndices, validationFiles).map { ["\($0)", $1, "validation"] }
            + zip(testIndices, testFiles).map { ["\($0)", $1, "test"] }
        return CSVWriter(header: ["index", "filename", "subset"]).document(rows)
    }

    /// Writes `<name>.json` and `<name>.csv` into `folder`.
    public func write(to folder: URL, name: String = "split") throws {
        try json().write(to: folder.appendingPathComponent("\(name).json"), options: .atomic)
        try Data(csv().utf8).write(to: folder.appendingPathComponent("\(name).csv"), options: .atomic)
    }
}

/// A split that cannot be drawn as asked.
public struct DataSplitError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What is wrong.
    public var message: String
    /// The message.
    public var description: String { message }
}
