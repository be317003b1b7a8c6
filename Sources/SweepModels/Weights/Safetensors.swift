import Foundation
import SweepTensor

/// The safetensors format (Hugging Face, https://github.com/huggingface/safetensors, README
/// "Format"): an 8-byte little-endian header length N, N bytes of JSON
/// `{name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {str: str}}`,
/// then the raw little-endian data, offsets relative to its start.
public enum Safetensors {
    /// Largest header accepted (the reference implementation's limit).
    static let maxHeaderBytes = 100_000_000

    /// Reads every tensor (F32, F16, BF16, F64 and I64 become Float) and the metadata.
    /// - Throws: `WeightsError.unreadable` naming the file, and the key when one entry is bad.
    public static func read(path: String) throws -> (tensors: StateDict, metadata: [String: String]) {
        _ = try WeightsFile.head(path, count: 1)
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) } catch {
            throw WeightsError.unreadable(file: path, reason: "read failed (\(error))")
        }
        guard data.count >= 8 else {
            throw WeightsError.unreadable(file: path, reason: "truncated: \(data.count) bytes, shorter than the 8-byte header length")
        }
        let headerLength = data.prefix(8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard headerLength <= UInt64(min(data.count - 8, maxHeaderBytes)) else {
            throw WeightsError.unreadable(file: path, reason: "header length \(headerLength) does not fit the file's "
                + "\(data.count) bytes (truncated, or not a safetensors file)")
        }
        let dataStart = 8 + Int(headerLength)
        let header = data.subdata(in: data.startIndex + 8 ..< data.startIndex + dataStart)
        guard let json = try? JSONSerialization.jsonObject(with: header), let entries = json as? [String: Any] else {
            throw WeightsError.unreadable(file: path, reason: "the header is not a JSON object (not a safetensors file?)")
        }
        var metadata: [String: String] = [:]
        if let meta = entries["__metadata__"] {
            guard let strings = meta as? [String: String] else {
                throw WeightsError.unreadable(file: path, reason: "__metadata__ is not a map of strings")
            }
            metadata = strings
        }
        let available = data.count - dataStart
        var tensors: StateDict = [:]
        try data.withUnsafeBytes { (all: UnsafeRawBufferPointer) in
            let body = UnsafeRawBufferPointer(rebasing: all[dataStart...])
            for (key, value) in entries where key != "__metadata__" {
                let (type, shape, range) = try entry(key, value, available: available, file: path)
                let raw = UnsafeRawBufferPointer(rebasing: body[range])
                tensors[key] = Tensor(shape: shape, data: type.floats(raw, start: 0, count: raw.count / type.size))
            }
        }
        return (tensors, metadata)
    }

    /// Checks one header entry against the data section of `available` bytes.
    private static func entry(_ key: String, _ value: Any, available: Int,
                              file: String) throws -> (ElementType, [Int], Range<Int>) {
        func bad(_ reason: String) -> WeightsError { .unreadable(file: file, reason: "tensor '\(key)': \(reason)") }
        guard let fields = value as? [String: Any], let dtype = fields["dtype"] as? String,
              let shape = integers(fields["shape"]), let offsets = integers(fields["data_offsets"]), offsets.count == 2 else {
            throw bad("header entry lacks dtype, shape or data_offsets")
        }
        guard let type = ElementType(safetensorsName: dtype) else {
            throw bad("unsupported dtype \(dtype) (supported: F32, F16, BF16, F64, I64)")
        }
        guard let count = elementCount(shape), count <= Int.max / type.size else {
            throw bad("invalid shape \(shape)")
        }
        let begin = offsets[0], end = offsets[1]
        guard begin >= 0, begin <= end, end <= available else {
            throw bad("data_offsets [\(begin), \(end)] outside the \(available) data bytes (truncated file?)")
        }
        let expected = count * type.size
        guard end - begin == expected else {
            throw bad("\(end - begin) bytes for shape \(describeShape(shape)) of \(dtype), expected \(expected)")
        }
        return (type, shape, begin..<end)
    }

    /// A JSON array of non-fractional numbers as Ints.
    private static func integers(_ value: Any?) -> [Int]? {
        guard let items = value as? [Any] else { return nil }
        var out: [Int] = []
        for item in items {
            guard let number = item as? NSNumber, let i = Int(exactly: number.doubleValue) else { return nil }
            out.append(i)
        }
        return out
    }

    /// Writes `tensors` as F32 (keys in sorted order, header padded with spaces to 8 bytes as the
    /// reference writer does) with `metadata` as `__metadata__` when not empty. The file is
    /// replaced atomically.
    /// - Parameter tensors: name -> tensor, in PyTorch layout.
    public static func write(_ tensors: [String: Tensor], metadata: [String: String], to path: String) throws {
        var header: [String: Any] = [:]
        var offset = 0
        let keys = tensors.keys.sorted()
        for key in keys {
            guard let t = tensors[key] else { continue }
            header[key] = ["dtype": "F32", "shape": t.shape, "data_offsets": [offset, offset + t.count * 4]] as [String: Any]
            offset += t.count * 4
        }
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var json: Data
        do { json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys]) } catch {
            throw WeightsError.unwritable(file: path, reason: "cannot encode the safetensors header (\(error))")
        }
        json.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8))
        var out = Data(capacity: 8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(json)
        for key in keys { if let t = tensors[key] { out.append(WrittenType.float32.bytes(t.data)) } }
        do { try out.write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw WeightsError.unwritable(file: path, reason: "cannot write (\(error))")
        }
    }
}
