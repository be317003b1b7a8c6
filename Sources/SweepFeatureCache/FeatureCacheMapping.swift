#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import SweepData
import SweepTensor

/// A finished feature matrix, memory-mapped read-only from `<key>/features.f32`.
///
/// The mapping lives as long as this object: keep it alive while using `pointer`.
/// Pages are shared with every other process mapping the same cache. A finished cache file
/// is never modified in place (a rebuild renames the old folder away and unlinks it, which
/// leaves existing mappings intact), so the mapping cannot shrink under a reader.
public final class CachedFeatures: @unchecked Sendable {
    /// Images (N).
    public let rows: Int
    /// Features per image (D).
    public let columns: Int
    /// The features, (rows, columns) row-major; valid while `self` is alive.
    public let pointer: UnsafePointer<Float>
    /// The cache's manifest.
    public let manifest: FeatureCacheManifest
    /// The cache folder `<cacheDir>/<key>`.
    public let directory: URL

    private let mapping: UnsafeMutableRawPointer
    private let mappedBytes: Int

    /// Maps `file`, which must hold exactly `rows * columns` floats.
    init(file: String, rows: Int, columns: Int, manifest: FeatureCacheManifest, directory: URL) throws {
        let mapped = try Self.map(file, expectedBytes: rows * columns * MemoryLayout<Float>.size)
        mapping = mapped
        mappedBytes = rows * columns * MemoryLayout<Float>.size
        pointer = UnsafePointer(mapped.bindMemory(to: Float.self, capacity: rows * columns))
        self.rows = rows
        self.columns = columns
        self.manifest = manifest
        self.directory = directory
    }

    deinit { munmap(mapping, mappedBytes) }

    /// Row `i` as an array (convenience for tests and small reads).
    public func row(_ i: Int) -> [Float] {
        Array(UnsafeBufferPointer(start: pointer + i * columns, count: columns))
    }

    /// SHA-256 (hex) of the mapped bytes.
    func sha256Hex() -> String {
        let h = ContentHasher()
        h.update(UnsafeRawBufferPointer(start: mapping, count: mappedBytes))
        return h.finalizeHex()
    }

    /// Maps `path` read-only after checking its size.
    static func map(_ path: String, expectedBytes: Int) throws -> UnsafeMutableRawPointer {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FeatureCacheError.io(path: path, operation: "open", errno: errno) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw FeatureCacheError.io(path: path, operation: "fstat", errno: errno) }
        guard Int(st.st_size) == expectedBytes, expectedBytes > 0 else {
            throw FeatureCacheError.invalidCache(path: path, reason: "size is \(st.st_size) bytes, expected \(expectedBytes)")
        }
        let p = mmap(nil, expectedBytes, PROT_READ, MAP_SHARED, fd, 0)
        guard let p, p != MAP_FAILED else {
            throw FeatureCacheError.io(path: path, operation: "mmap", errno: errno)
        }
        return p
    }
}
