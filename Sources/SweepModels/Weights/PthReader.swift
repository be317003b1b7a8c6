import Foundation
import SweepTensor
import ZIPFoundation

/// Reads a state_dict saved by `torch.save` (the zip format of PyTorch >= 1.6, e.g. torchvision's
/// `resnet50-0676ba61.pth`): `<name>/data.pkl` is a pickle of an OrderedDict of tensors whose
/// storages are the raw little-endian entries `<name>/data/<key>` (PyTorch
/// `torch/serialization.py`, `caffe2/serialize/inline_container.cc`). No Python involved.
public enum PthReader {
    /// The state_dict in `path`; float16/bfloat16/float64/int64 values become Float.
    /// - Throws: `WeightsError.unreadable` naming the file and what is wrong with it (missing,
    ///   empty, not a zip, truncated, a pickle opcode or class outside the state_dict subset).
    public static func read(path: String) throws -> StateDict {
        let head = try WeightsFile.head(path, count: 4)
        guard head == [0x50, 0x4B, 0x03, 0x04] else {
            if head.first == 0x80 {
                throw WeightsError.unreadable(file: path, reason: "legacy (pre-1.6) torch serialization, not a zip "
                    + "archive; re-save it with torch.save in PyTorch >= 1.6")
            }
            throw WeightsError.unreadable(file: path, reason: "not a zip archive (a .pth must be written by torch.save)")
        }
        let fileSize = try WeightsFile.size(path)
        let archive: Archive
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw WeightsError.unreadable(file: path, reason: "truncated or damaged zip archive (\(error))")
        }
        var entries: [String: Entry] = [:]
        for entry in archive { entries[entry.path] = entry }
        let pickles = entries.keys.filter { $0.hasSuffix("/data.pkl") && $0.split(separator: "/").count == 2 }.sorted()
        guard let pickle = pickles.first, let pickleEntry = entries[pickle] else {
            throw WeightsError.unreadable(file: path, reason: "no <name>/data.pkl in the zip archive "
                + "(\(entries.count) entries readable; truncated or not written by torch.save)")
        }
        let prefix = String(pickle.dropLast("data.pkl".count))
        if let order = entries[prefix + "byteorder"] {
            let text = String(decoding: try contents(order, of: archive, file: path, fileSize: fileSize), as: UTF8.self)
            guard text == "little" else {
                throw WeightsError.unreadable(file: path, reason: "byte order '\(text)' (only little-endian is supported)")
            }
        }
        let interpreter = TorchPickleInterpreter { key in
            guard let entry = entries[prefix + "data/" + key] else {
                throw PickleRefusal("no entry \(prefix)data/\(key) in the archive")
            }
            do {
                return try contents(entry, of: archive, file: path, fileSize: fileSize)
            } catch WeightsError.unreadable(_, let reason) {
                throw PickleRefusal(reason)
            }
        }
        let pickleBytes = try contents(pickleEntry, of: archive, file: path, fileSize: fileSize)
        var machine = PickleMachine(bytes: [UInt8](pickleBytes), interpreter: interpreter)
        let result: PickleValue
        do {
            result = try machine.run()
        } catch let error as PickleError {
            throw WeightsError.unreadable(file: path, reason: "\(pickle): \(error)")
        }
        guard case .dict(let dict) = result else {
            throw WeightsError.unreadable(file: path, reason: "\(pickle) holds a \(result.kind), not a state_dict")
        }
        var out: StateDict = [:]
        for (key, value) in dict.items {
            guard case .string(let name) = key else {
                throw WeightsError.unreadable(file: path, reason: "state_dict key of type \(key.kind), expected str")
            }
            guard case .tensor(let tensor) = value else {
                throw WeightsError.unreadable(file: path, reason: "state_dict entry '\(name)' is a \(value.kind), not a tensor")
            }
            out[name] = tensor
        }
        return out
    }

    /// The bytes of one stored entry, CRC-checked.
    /// - Parameter fileSize: bytes in the archive file, which no stored entry can exceed.
    static func contents(_ entry: Entry, of archive: Archive, file: String, fileSize: UInt64) throws -> Data {
        guard entry.type == .file, entry.uncompressedSize <= fileSize else {
            throw WeightsError.unreadable(file: file, reason: "zip entry \(entry.path) claims \(entry.uncompressedSize) "
                + "bytes, more than the file holds (damaged archive)")
        }
        let size = Int(entry.uncompressedSize)
        var data = Data(capacity: size)
        let checksum: CRC32
        do {
            checksum = try archive.extract(entry, bufferSize: max(1, min(size, 1 << 24))) { data.append($0) }
        } catch {
            throw WeightsError.unreadable(file: file, reason: "zip entry \(entry.path) is damaged (\(error))")
        }
        guard checksum == entry.checksum, data.count == size else {
            throw WeightsError.unreadable(file: file, reason: "zip entry \(entry.path) is damaged (CRC-32 or size mismatch)")
        }
        return data
    }
}
