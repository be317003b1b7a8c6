#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import SweepData
import SweepTensor

/// The content address of one feature matrix: SHA-256 over a format tag, the extractor's
/// identity, the feature count, the image count and every image's content hash in order.
///
/// Only file contents enter the key, never paths or modification times: moving or renaming
/// the image folder keeps the key, changing one byte of one image changes it.
public struct FeatureCacheKey: Sendable, Equatable {
    /// 64 lowercase hex digits; the cache folder's name.
    public let value: String
    /// The extractor identity the key was computed for.
    public let identity: String
    /// Features per image (D).
    public let featureCount: Int
    /// The images, in row order, as given.
    public let imagePaths: [String]
    /// SHA-256 (hex) of each image's bytes, in row order.
    public let imageHashes: [String]

    /// Tag hashed first, so that a change of the on-disk format gives new keys.
    static let formatTag = "sweep-feature-cache/1"

    /// Hashes every image in `imagePaths` and derives the key.
    /// - Throws: `FeatureCacheError.unreadableImage` naming the first unreadable file,
    ///   `.invalidRequest` for an empty list or a non-positive feature count.
    public init(imagePaths: [String], identity: String, featureCount: Int) throws {
        guard !imagePaths.isEmpty else { throw FeatureCacheError.invalidRequest("no images to extract") }
        guard featureCount > 0 else {
            throw FeatureCacheError.invalidRequest("feature count must be positive, got \(featureCount)")
        }
        self.init(identity: identity, featureCount: featureCount, imagePaths: imagePaths,
                  imageHashes: try Self.hashFiles(imagePaths))
    }

    /// Derives the key from already computed image hashes.
    init(identity: String, featureCount: Int, imagePaths: [String], imageHashes: [String]) {
        let h = ContentHasher()
        h.update(Self.formatTag)
        h.update(identity)
        h.update(String(featureCount))
        h.update(String(imageHashes.count))
        for hash in imageHashes { h.update(hash) }
        value = h.finalizeHex()
        self.identity = identity
        self.featureCount = featureCount
        self.imagePaths = imagePaths
        self.imageHashes = imageHashes
    }

    /// SHA-256 (hex) of each file, hashed on all cores in contiguous ranges.
    /// - Throws: the error of the first unreadable file in `paths` order.
    static func hashFiles(_ paths: [String]) throws -> [String] {
        var hashes = [String](repeating: "", count: paths.count)
        var failures = [(index: Int, error: Error)?](repeating: nil, count: paths.count)
        hashes.withUnsafeMutableBufferPointer { out in
            failures.withUnsafeMutableBufferPointer { failed in
                // Each range writes only its own indices of `out` and `failed`.
                nonisolated(unsafe) let (out, failed) = (out, failed)
                parallelRanges(paths.count, ways: ProcessInfo.processInfo.activeProcessorCount, minimumChunk: 32) { range in
                    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 64)
                    defer { buffer.deallocate() }
                    for i in range {
                        do { out[i] = try hashFile(paths[i], buffer: buffer) } catch {
                            failed[i] = (i, error)
                            return
                        }
                    }
                }
            }
        }
        if let first = failures.lazy.compactMap({ $0 }).first { throw first.error }
        return hashes
    }

    /// SHA-256 (hex) of the file at `path`, read in chunks of `buffer.count` bytes.
    static func hashFile(_ path: String, buffer: UnsafeMutableRawBufferPointer) throws -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FeatureCacheError.unreadableImage(path: path, errno: errno) }
        defer { close(fd) }
        guard let base = buffer.baseAddress else { throw FeatureCacheError.invalidRequest("empty hash buffer") }
        let h = ContentHasher()
        while true {
            let n = read(fd, base, buffer.count)
            if n < 0 {
                if errno == EINTR { continue }
                throw FeatureCacheError.unreadableImage(path: path, errno: errno)
            }
            if n == 0 { break }
            h.update(UnsafeRawBufferPointer(start: base, count: n))
        }
        return h.finalizeHex()
    }
}
