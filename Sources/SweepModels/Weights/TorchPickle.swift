import Foundation
import SweepTensor

/// Gives meaning to the objects of a `torch.save(state_dict)` pickle (PyTorch
/// `torch/serialization.py`, `torch/_utils.py`): `collections.OrderedDict`, persistent ids
/// `('storage', torch.<Type>Storage, key, location, numel)` and
/// `torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata])`.
/// Anything else is refused with its name.
final class TorchPickleInterpreter: PickleInterpreter {
    /// Reads the bytes of `<archive>/data/<key>`.
    private let readStorage: (String) throws -> Data
    /// Storages already read, by key: views into one storage share it.
    private var storages: [String: TorchStorage] = [:]

    init(readStorage: @escaping (String) throws -> Data) {
        self.readStorage = readStorage
    }

    func global(module: String, name: String) throws -> PickleValue {
        switch (module, name) {
        case ("collections", "OrderedDict"), ("torch._utils", "_rebuild_tensor_v2"):
            return .global(module: module, name: name)
        case ("torch", _) where ElementType(torchStorageName: name) != nil:
            return .global(module: module, name: name)
        default:
            let supported = ElementType.allCases.map { "torch.\($0.torchStorageName)" }.joined(separator: ", ")
            throw PickleRefusal("unsupported class \(module).\(name) (a state_dict may hold only "
                + "collections.OrderedDict, torch._utils._rebuild_tensor_v2 and \(supported))")
        }
    }

    func persistentLoad(_ id: PickleValue) throws -> PickleValue {
        guard case .tuple(let parts) = id, parts.count == 5, case .string("storage") = parts[0],
              case .global(_, let typeName) = parts[1], let type = ElementType(torchStorageName: typeName),
              case .string(let key) = parts[2], case .int(let numel) = parts[4] else {
            throw PickleRefusal("unsupported persistent id \(id.kind) (expected ('storage', type, key, location, numel))")
        }
        if let storage = storages[key] { return .storage(storage) }
        let bytes: Data
        do { bytes = try readStorage(key) } catch { throw PickleRefusal("storage '\(key)': \(error)") }
        guard numel >= 0, numel <= bytes.count / type.size else {
            throw PickleRefusal("storage '\(key)' holds \(bytes.count) bytes, fewer than \(numel) \(type.rawValue) values")
        }
        let storage = TorchStorage(key: key, type: type, bytes: bytes)
        storages[key] = storage
        return .storage(storage)
    }

    func reduce(_ callable: PickleValue, arguments: [PickleValue]) throws -> PickleValue {
        switch callable {
        case .global("collections", "OrderedDict") where arguments.isEmpty:
            return .dict(PickleDict())
        case .global("torch._utils", "_rebuild_tensor_v2"):
            guard arguments.count >= 4, case .storage(let storage) = arguments[0], case .int(let offset) = arguments[1],
                  let size = Self.ints(arguments[2]), let stride = Self.ints(arguments[3]) else {
                throw PickleRefusal("_rebuild_tensor_v2 needs (storage, offset, size, stride, ...)")
            }
            return .tensor(try Self.rebuild(storage, offset: offset, size: size, stride: stride))
        default:
            throw PickleRefusal("unsupported call of \(callable.kind) with \(arguments.count) arguments")
        }
    }

    func build(_ object: PickleValue, state: PickleValue) throws -> PickleValue {
        // An OrderedDict's state is its attributes (the state_dict's `_metadata`), not needed here.
        guard case .dict = object else { throw PickleRefusal("unsupported BUILD of \(object.kind)") }
        return object
    }

    /// A tuple of ints.
    private static func ints(_ value: PickleValue) -> [Int]? {
        guard case .tuple(let items) = value else { return nil }
        var out: [Int] = []
        for item in items {
            guard case .int(let i) = item else { return nil }
            out.append(i)
        }
        return out
    }

    /// The view `(offset, size, stride)` of `storage` (in elements) as a dense row-major tensor.
    static func rebuild(_ storage: TorchStorage, offset: Int, size: [Int], stride: [Int]) throws -> Tensor {
        let invalid = PickleRefusal("storage '\(storage.key)': invalid view offset \(offset) size \(size) stride \(stride)")
        guard size.count == stride.count, offset >= 0, stride.allSatisfy({ $0 >= 0 }),
              let count = elementCount(size) else { throw invalid }
        guard count > 0 else { return Tensor(shape: size, data: []) }
        guard offset < storage.count else {
            throw PickleRefusal("storage '\(storage.key)' has \(storage.count) values; the view (offset \(offset), "
                + "size \(size), stride \(stride)) starts past its end")
        }
        // Index of the view's last element, with every step checked: the release build is
        // -Ounchecked, where a plain overflow would wrap to a wild index instead of trapping.
        var last = offset
        for (n, step) in zip(size, stride) {
            let (reach, overflow) = (n - 1).multipliedReportingOverflow(by: step)
            guard !overflow, reach <= storage.count else { throw invalid }
            let (sum, wrapped) = last.addingReportingOverflow(reach)
            guard !wrapped else { throw invalid }
            last = sum
        }
        guard last < storage.count else {
            throw PickleRefusal("storage '\(storage.key)' has \(storage.count) values; the view (offset \(offset), "
                + "size \(size), stride \(stride)) reaches index \(last)")
        }
        let contiguous = PthWriter.rowMajorStrides(size)
        let isContiguous = zip(zip(size, stride), contiguous).allSatisfy { $0.0.0 == 1 || $0.0.1 == $0.1 }
        let data: [Float] = storage.bytes.withUnsafeBytes { raw in
            if isContiguous { return storage.type.floats(raw, start: offset, count: count) }
            // Odometer over the multi-index, outermost dimension first.
            var out = [Float](repeating: 0, count: count)
            var index = [Int](repeating: 0, count: size.count)
            var at = offset
            for i in 0..<count {
                out[i] = storage.type.load(raw, at)
                var d = size.count - 1
                while d >= 0 {
                    index[d] += 1
                    at += stride[d]
                    if index[d] < size[d] { break }
                    at -= stride[d] * size[d]
                    index[d] = 0
                    d -= 1
                }
            }
            return out
        }
        return Tensor(shape: size, data: data)
    }
}
