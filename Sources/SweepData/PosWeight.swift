/// A class without a positive example in the training split, so its `pos_weight` is undefined.
public struct PosWeightError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The class at fault.
    public var className: String
    /// Its 0-based column.
    public var classIndex: Int
    /// Training images looked at.
    public var trainCount: Int

    /// Names the class.
    public var description: String {
        "class `\(className)` (column \(classIndex + 1)) has no positive example among the \(trainCount) training images, so pos_weight = negatives / positives is undefined"
    }
}

/// `pos_weight` of `BCEWithLogitsLoss` as the notebook computes it: for each class, the number
/// of negatives divided by the number of positives over the training images only.
///
/// - Parameters:
///   - targets: (N, C) row-major 0/1.
///   - classNames: (C), for the error message.
///   - trainIndices: 0-based rows of the training split.
/// - Returns: (C) weights, computed in double and rounded to Float (torch.FloatTensor).
public func posWeight(targets: [UInt8], classNames: [String], trainIndices: [Int]) throws(PosWeightError) -> [Float] {
    let c = classNames.count
    var positives = [Int](repeating: 0, count: c)
    for i in trainIndices {
        for k in 0..<c where targets[i * c + k] != 0 { positives[k] += 1 }
    }
    var weights = [Float](repeating: 0, count: c)
    for k in 0..<c {
        guard positives[k] > 0 else {
            throw PosWeightError(className: classNames[k], classIndex: k, trainCount: trainIndices.count)
        }
        weights[k] = Float(Double(trainIndices.count - positives[k]) / Double(positives[k]))
    }
    return weights
}
