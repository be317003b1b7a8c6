/// Errors from configuring or running a trial; each names the setting, key or layer at fault.
public enum TrainError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A configuration value that cannot be used: the property's name and why.
    case invalidConfig(property: String, reason: String)
    /// A state-dict entry that is missing or has the wrong shape.
    case badState(key: String, reason: String)
    /// Inputs that do not fit together (feature rows, targets, split indices).
    case invalidData(String)
    /// A BatchNorm1d layer met a training batch of one sample (PyTorch raises
    /// "Expected more than 1 value per channel when training").
    case batchOfOne(layer: String)

    /// The message shown to the user.
    public var description: String {
        switch self {
        case .invalidConfig(let property, let reason): return "\(property): \(reason)"
        case .badState(let key, let reason): return "head state '\(key)': \(reason)"
        case .invalidData(let message): return message
        case .batchOfOne(let layer):
            return "\(layer): BatchNorm1d needs more than 1 sample per training batch"
        }
    }
}
