import Foundation
import SweepTensor
import ZIPFoundation

/// Writes a state_dict in the layout of `torch.save(state_dict)` (PyTorch
/// `torch/serialization.py`, `_save`): a zip of stored (uncompressed) entries
/// `archive/data.pkl` (pickle protocol 2 of an OrderedDict of `_rebuild_tensor_v2` calls),
/// `archive/data/0...` (one contiguous little-endian storage per tensor), `archive/version`
/// and `archive/byteorder`. `torch.load` reads it (checked by hand with PyTorch 2.15).
/// Storages are not 64-byte aligned, so `torch.load(mmap=True)` is not supported.
public enum PthWriter {
    /// Writes `tensors` (keys in sorted order) as float32, except `*.num_batches_tracked`,
    /// which torch keeps as int64 and which are written as such. Replaces `path` atomically.
    /// - Parameter tensors: name -> tensor, in PyTorch layout.
    /// - Throws: `WeightsError.unwritable` naming the file.
    public static func write(_ tensors: StateDict, to path: String) throws {
        let keys = tensors.keys.sorted()
        var storages: [Data] = []
        var pickle = PickleEncoder()
        pickle.op(0x80); pickle.byte(2)  // PROTO 2
        pickle.emptyOrderedDict()
        pickle.op(0x28)  // MARK
        for key in keys {
            guard let tensor = tensors[key] else { continue }
            let type = WrittenType(key: key)
            pickle.string(key)
            pickle.global("torch._utils", "_rebuild_tensor_v2")
            pickle.op(0x28)  // MARK: the arguments
            pickle.op(0x28)  // MARK: the persistent id
            pickle.string("storage")
            pickle.global("torch", type.elementType.torchStorageName)
            pickle.string(String(storages.count))
            pickle.string("cpu")
            pickle.int(tensor.count)
            pickle.op(0x74)  // TUPLE
            pickle.op(0x51)  // BINPERSID
            pickle.int(0)  // storage offset
            pickle.intTuple(tensor.shape)
            pickle.intTuple(rowMajorStrides(tensor.shape))
            pickle.op(0x89)  // NEWFALSE: requires_grad
            pickle.emptyOrderedDict()  // backward hooks
            pickle.op(0x74)  // TUPLE
            pickle.op(0x52)  // REDUCE
            storages.append(type.bytes(tensor.data))
        }
        pickle.op(0x75)  // SETITEMS
        pickle.op(0x2E)  // STOP

        var records: [(String, Data)] = [("archive/data.pkl", Data(pickle.bytes)),
                                         ("archive/byteorder", Data("little".utf8))]
        for (i, storage) in storages.enumerated() { records.append(("archive/data/\(i)", storage)) }
        records.append(("archive/version", Data("3\n".utf8)))
        try writeZip(records, to: path)
    }

    /// Row-major strides of `shape`, in elements.
    static func rowMajorStrides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        for d in stride(from: shape.count - 2, through: 0, by: -1) { strides[d] = strides[d + 1] * shape[d + 1] }
        return strides
    }

    /// A zip of stored entries, written to a temporary file then renamed over `path`
    /// (internal for tests that craft malformed archives).
    static func writeZip(_ records: [(String, Data)], to path: String) throws {
        let temporary = path + ".partial"
        try? FileManager.default.removeItem(atPath: temporary)
        do {
            let archive = try Archive(url: URL(fileURLWithPath: temporary), accessMode: .create)
            for (name, data) in records {
                try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count),
                                     compressionMethod: .none, bufferSize: max(1, min(data.count, 1 << 22))) { position, size in
                    data.subdata(in: Int(position) ..< Int(position) + size)
                }
            }
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw WeightsError.unwritable(file: path, reason: "cannot write the zip archive (\(error))")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temporary)
            throw WeightsError.unwritable(file: path, reason: "cannot move the written file into place (\(reason))")
        }
    }
}

/// Emits the protocol-2 pickle opcodes the writer needs (CPython `Lib/pickle.py`, `_Pickler`).
struct PickleEncoder {
    private(set) var bytes: [UInt8] = []

    mutating func op(_ code: UInt8) { bytes.append(code) }
    mutating func byte(_ b: UInt8) { bytes.append(b) }

    /// BININT for 32-bit values, LONG1 (8 bytes) otherwise.
    mutating func int(_ value: Int) {
        if let small = Int32(exactly: value) {
            op(0x4A)
            withUnsafeBytes(of: small.littleEndian) { bytes.append(contentsOf: $0) }
        } else {
            op(0x8A); byte(8)
            withUnsafeBytes(of: Int64(value).littleEndian) { bytes.append(contentsOf: $0) }
        }
    }

    /// BINUNICODE.
    mutating func string(_ s: String) {
        let utf8 = Array(s.utf8)
        op(0x58)
        withUnsafeBytes(of: UInt32(utf8.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: utf8)
    }

    /// GLOBAL `module.name`.
    mutating func global(_ module: String, _ name: String) {
        op(0x63)
        bytes.append(contentsOf: Array("\(module)\n\(name)\n".utf8))
    }

    /// MARK ints TUPLE.
    mutating func intTuple(_ values: [Int]) {
        op(0x28)
        for v in values { int(v) }
        op(0x74)
    }

    /// `collections.OrderedDict()`: GLOBAL, EMPTY_TUPLE, REDUCE.
    mutating func emptyOrderedDict() {
        global("collections", "OrderedDict")
        op(0x29)
        op(0x52)
    }
}
