import SweepPluginAPI

/// What a trial trains on: features, 0/1 targets and a split into training and validation rows.
public struct TrialData: Sendable {
    /// (samples, inputWidth) trunk features.
    public var features: FeatureMatrix
    /// (samples, classes) row-major, 0 or 1.
    public var targets: [UInt8]
    /// Columns of `targets`.
    public var classes: Int
    /// Rows of the training split (any order; the trial shuffles them each epoch).
    public var trainIndices: [Int]
    /// Rows of the validation split.
    public var validationIndices: [Int]

    /// Bundles a trial's inputs (checked by `validate()`).
    public init(features: FeatureMatrix, targets: [UInt8], classes: Int,
                trainIndices: [Int], validationIndices: [Int]) {
        self.features = features
        self.targets = targets
        self.classes = classes
        self.trainIndices = trainIndices
        self.validationIndices = validationIndices
    }

    /// Checks shapes, index ranges and target values.
    public func validate() throws {
        let n = features.rows
        guard classes > 0, targets.count == n * classes else {
            throw TrainError.invalidData("targets: \(targets.count) values for \(n) samples x \(classes) classes")
        }
        guard !trainIndices.isEmpty else { throw TrainError.invalidData("the training split is empty") }
        guard !validationIndices.isEmpty else { throw TrainError.invalidData("the validation split is empty") }
        for (name, split) in [("training", trainIndices), ("validation", validationIndices)] {
            if let bad = split.first(where: { $0 < 0 || $0 >= n }) {
                throw TrainError.invalidData("\(name) split: row \(bad) is outside the \(n) samples")
            }
        }
        if let bad = targets.firstIndex(where: { $0 > 1 }) {
            throw TrainError.invalidData("targets: value \(targets[bad]) at sample \(bad / classes), class \(bad % classes) is not 0 or 1")
        }
    }

    /// What a loss plugin learns from the training split (e.g. for `pos_weight: auto`).
    public func lossContext(classNames: [String]) -> LossContext {
        var positives = [Int](repeating: 0, count: classes)
        for row in trainIndices {
            for c in 0..<classes where targets[row * classes + c] == 1 { positives[c] += 1 }
        }
        return LossContext(classNames: classNames, positives: positives, samples: trainIndices.count)
    }
}
