import SweepTensor

/// Named tensors, as a PyTorch `state_dict`: key -> tensor (PyTorch layout, e.g. conv
/// weights (out, in, kh, kw)).
public typealias StateDict = [String: Tensor]

/// Errors from reading or using weights; every case names the file or key at fault.
public enum WeightsError: Error, Equatable, CustomStringConvertible {
    /// The state_dict lacks a key the network needs.
    case missingKey(String, file: String)
    /// A tensor's shape differs from the one the network needs.
    case wrongShape(key: String, expected: [Int], found: [Int], file: String)
    /// The file cannot be read as weights (missing, truncated, malformed, unsupported).
    case unreadable(file: String, reason: String)
    /// The weights cannot be written to the file.
    case unwritable(file: String, reason: String)
    /// No weights where they were looked for; the message lists the places.
    case notFound(String)

    /// `<file>: <what is wrong>` (or the not-found message).
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
