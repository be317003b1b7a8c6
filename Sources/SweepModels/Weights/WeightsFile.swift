import Foundation
import SweepTensor

/// Weight files on disk: loading by extension, and the checks and hashing both formats share.
public enum WeightsFile {
    /// The state_dict in `path`: `.pth` / `.pt` (torch.save zip) or `.safetensors`.
    /// - Throws: `WeightsError.unreadable` naming the file and the problem.
    public static func load(path: String) throws -> StateDict {
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "pth", "pt":
            return try PthReader.read(path: path)
        case "safetensors":
            return try Safetensors.read(path: path).tensors
        case let other:
            throw WeightsError.unreadable(file: path, reason: "unknown weights format '.\(other)' "
                + "(expected .pth, .pt or .safetensors)")
        }
    }

    /// SHA-256 (hex) of the file's bytes, read in chunks.
    public static func sha256(path: String) throws -> String {
        _ = try head(path, count: 1)
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw WeightsError.unreadable(file: path, reason: "cannot open for reading")
        }
        defer { try? handle.close() }
        let hasher = ContentHasher()
        do {
            while let chunk = try handle.read(upToCount: 1 << 22), !chunk.isEmpty { hasher.update(chunk) }
        } catch {
            throw WeightsError.unreadable(file: path, reason: "read failed (\(error))")
        }
        return hasher.finalizeHex()
    }

    /// The file's size in bytes.
    static func size(_ path: String) throws -> UInt64 {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw WeightsError.unreadable(file: path, reason: "cannot open for reading")
        }
        defer { try? handle.close() }
        do { return try handle.seekToEnd() } catch {
            throw WeightsError.unreadable(file: path, reason: "cannot determine the size (\(error))")
        }
    }

    /// The first `count` bytes of the file (fewer when it is shorter).
    /// - Throws: `WeightsError.unreadable` when the file is missing, a directory, unreadable or empty.
    static func head(_ path: String, count: Int) throws -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw WeightsError.unreadable(file: path, reason: "no such file")
        }
        guard !isDirectory.boolValue else { throw WeightsError.unreadable(file: path, reason: "is a directory") }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw WeightsError.unreadable(file: path, reason: "cannot open for reading")
        }
        defer { try? handle.close() }
        let bytes: Data
        do { bytes = try handle.read(upToCount: count) ?? Data() } catch {
            throw WeightsError.unreadable(file: path, reason: "read failed (\(error))")
        }
        guard !bytes.isEmpty else { throw WeightsError.unreadable(file: path, reason: "empty file") }
        return [UInt8](bytes)
    }
}
