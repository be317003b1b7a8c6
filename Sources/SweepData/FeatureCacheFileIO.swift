#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The few POSIX file operations the cache needs for durability: positioned writes,
/// fsync of files and folders, and write-then-rename replacement.
enum FeatureCacheFileIO {
    /// Writes `data` to `url` so that after a crash the file holds either its old contents or
    /// all of `data`: write a temporary sibling, fsync it, rename it over `url`, fsync the folder.
    static func replaceDurably(_ url: URL, with data: Data) throws {
        let tmp = url.path + ".tmp"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FeatureCacheError.io(path: tmp, operation: "open", errno: errno) }
        do {
            try data.withUnsafeBytes { raw in
                try writeAll(fd, raw, offset: 0, path: tmp)
            }
            try syncFile(fd, path: tmp)
        } catch {
            close(fd)
            throw error
        }
        close(fd)
        guard rename(tmp, url.path) == 0 else {
            throw FeatureCacheError.io(path: url.path, operation: "rename", errno: errno)
        }
        try syncDirectory(url.deletingLastPathComponent())
    }

    /// Writes all of `bytes` at `offset`, retrying short writes and EINTR.
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, offset: Int, path: String) throws {
        guard let base = bytes.baseAddress else { return }
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, base + done, bytes.count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw FeatureCacheError.io(path: path, operation: "write", errno: errno)
            }
            done += n
        }
    }

    /// fsync of an open file.
    static func syncFile(_ fd: Int32, path: String) throws {
        while fsync(fd) != 0 {
            if errno != EINTR { throw FeatureCacheError.io(path: path, operation: "fsync", errno: errno) }
        }
    }

    /// fsync of a folder, making renames and creations inside it durable.
    static func syncDirectory(_ url: URL) throws {
        let fd = open(url.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FeatureCacheError.io(path: url.path, operation: "open", errno: errno) }
        defer { close(fd) }
        try syncFile(fd, path: url.path)
    }

    /// Size in bytes of the file at `path`, or nil when it does not exist.
    static func fileSize(_ path: String) -> Int? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return Int(st.st_size)
    }
}

/// The preallocated `features.f32` of a partial cache, written one batch at a time.
final class FeatureCachePartialFile {
    let path: String
    private let fd: Int32

    /// Opens (creating if needed) `path` and sizes it to `byteCount` bytes; existing bytes
    /// within that size are kept.
    init(path: String, byteCount: Int) throws {
        self.path = path
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FeatureCacheError.io(path: path, operation: "open", errno: errno) }
        if ftruncate(fd, off_t(byteCount)) != 0 {
            let code = errno
            close(fd)
            throw FeatureCacheError.io(path: path, operation: "ftruncate", errno: code)
        }
        #if os(Linux)
        // Reserve the blocks now so that a full disk fails here, not halfway through.
        let code = posix_fallocate(fd, 0, off_t(byteCount))
        if code != 0 && code != EOPNOTSUPP && code != EINVAL {
            close(fd)
            throw FeatureCacheError.io(path: path, operation: "fallocate", errno: code)
        }
        #endif
    }

    deinit { close(fd) }

    /// Writes rows starting at `row`.
    /// - Parameters:
    ///   - values: (rows, featureCount) row-major.
    ///   - row: index of the first row to write.
    ///   - featureCount: D.
    func write(_ values: UnsafePointer<Float>, rows: Int, startingAt row: Int, featureCount: Int) throws {
        let bytes = UnsafeRawBufferPointer(start: values, count: rows * featureCount * MemoryLayout<Float>.size)
        try FeatureCacheFileIO.writeAll(fd, bytes, offset: row * featureCount * MemoryLayout<Float>.size, path: path)
    }

    /// Makes everything written so far durable.
    func sync() throws { try FeatureCacheFileIO.syncFile(fd, path: path) }
}

#if _endian(big)
#error("features.f32 is little-endian float32; the cache writes host-order floats")
#endif
