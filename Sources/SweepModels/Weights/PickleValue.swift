import Foundation
import SweepTensor

/// A value on the stack of the pickle machine: the Python objects a torch state_dict pickle
/// builds, plus the two torch objects it rebuilds (storages and tensors).
enum PickleValue {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    case tuple([PickleValue])
    case list(PickleList)
    case dict(PickleDict)
    /// A class or function named by GLOBAL / STACK_GLOBAL: module and name.
    case global(module: String, name: String)
    case storage(TorchStorage)
    case tensor(Tensor)

    /// A short description for error messages.
    var kind: String {
        switch self {
        case .none: return "None"
        case .bool: return "bool"
        case .int: return "int"
        case .float: return "float"
        case .string: return "str"
        case .tuple: return "tuple"
        case .list: return "list"
        case .dict: return "dict"
        case .global(let module, let name): return "\(module).\(name)"
        case .storage: return "storage"
        case .tensor: return "tensor"
        }
    }
}

/// A Python list (a reference: APPEND after BINPUT must change the memoised object too).
final class PickleList {
    var items: [PickleValue] = []
}

/// A Python dict or OrderedDict, in insertion order (a reference, like `PickleList`).
final class PickleDict {
    var items: [(key: PickleValue, value: PickleValue)] = []
}

/// One storage of a `.pth` archive: the raw little-endian bytes of `<archive>/data/<key>`.
final class TorchStorage {
    let key: String
    let type: ElementType
    let bytes: Data

    init(key: String, type: ElementType, bytes: Data) {
        self.key = key
        self.type = type
        self.bytes = bytes
    }

    /// Elements held.
    var count: Int { bytes.count / type.size }
}

/// A pickle that uses something outside the supported subset, or is malformed.
struct PickleError: Error, CustomStringConvertible {
    /// Byte offset of the opcode in the pickle.
    let offset: Int
    let message: String

    var description: String { "pickle byte \(offset): \(message)" }
}
