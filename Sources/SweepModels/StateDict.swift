import SweepTensor

/// Named tensors, as a PyTorch `state_dict`: key -> tensor (PyTorch layout, e.g. conv
/// weights (out, in, kh, kw)).
public typealias StateDict = [String: Tensor]

/// Errors from reading or using weights; every case names the file or key at fault.
public enum WeightsError: Error, Equatable, CustomStringConvertible {
    case missingKey(String, file: String)
    case wrongShape(key: String, expected: [Int], found: [Int], file: String)
    case unreadable(file: String, reason: String)
    case unwritable(file: String, reason: String)
    case notFound(String)

    public var description: String {
        switch self {
        case .missingKey(let key, let file):
            return "\(file): missing key '\(key)'"
        case .wrongShape(let key, let expected, let found, let file):
            return "\(file): '\(key)' has shape \(describeShape(found)), expected \(describeShape(expected))"
        case .unreadable(let file, let reason), .unwritable(let file, let reason):
            return "\(file): \(reason)"
        case .notFound(let message):
            return message
        }
    }
}

extension StateDict {
    /// The tensor at `key`, checked against `shape`.
    public func tensor(_ key: String, shape: [Int], file: String) throws -> Tensor {
        guard let t = self[key] else { throw WeightsError.missingKey(key, file: file) }
        guard t.shape == shape else {
            throw WeightsError.wrongShape(key: key, expected: shape, found: t.shape, file: file)
        }
        return t
    }
}
