import Foundation
import SweepData

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
        try DurableFiles.writeAll(fd, bytes, offset: row * featureCount * MemoryLayout<Float>.size, path: path)
    }

    /// Makes everything written so far durable.
    func sync() throws { try DurableFiles.syncFile(fd, path: path) }
}

#if _endian(big)
#error("features.f32 is little-endian float32; the cache writes host-order floats")
#endif
