import Foundation
import SweepData

/// `<key>/manifest.json`: what a finished cache holds and how to check it.
public struct FeatureCacheManifest: Codable, Sendable, Equatable {
    /// The on-disk layout version; this code writes and reads `currentFormatVersion`.
    public var formatVersion: Int
    /// The cache key (must equal the folder name).
    public var key: String
    /// The extractor identity (weights + preprocessing).
    public var identity: String
    /// Images, i.e. rows of `features.f32` (N).
    public var imageCount: Int
    /// Features per image, i.e. columns (D).
    public var featureCount: Int
    /// The images, in row order, as given when the cache was built (informational:
    /// the key depends on their contents only).
    public var imagePaths: [String]
    /// SHA-256 (hex) of each image's bytes, in row order.
    public var imageHashes: [String]
    /// Size of `features.f32` in bytes: N * D * 4.
    public var featuresByteSize: Int
    /// SHA-256 (hex) of `features.f32`.
    public var featuresSHA256: String
    /// Element type and byte order of `features.f32`.
    public var dtype: String
    /// When extraction finished, ISO 8601.
    public var created: String
    /// Wall seconds spent extracting, summed over resumed runs.
    public var extractionSeconds: Double

    /// The format version written by this code.
    public static let currentFormatVersion = 1
    /// The element type written by this code: raw little-endian IEEE float32.
    public static let float32LittleEndian = "float32-le"

    /// Decodes a manifest, describing the problem on failure.
    static func read(_ url: URL) -> Result<FeatureCacheManifest, FeatureCacheInvalid> {
        guard let data = try? Data(contentsOf: url) else {
            return .failure(FeatureCacheInvalid("\(url.lastPathComponent) is missing or unreadable"))
        }
        do {
            return .success(try JSONDecoder().decode(FeatureCacheManifest.self, from: data))
        } catch {
            return .failure(FeatureCacheInvalid("\(url.lastPathComponent) does not decode: \(error)"))
        }
    }

    /// The manifest as pretty-printed JSON with sorted keys.
    func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }
}

/// `<key>.partial/progress.json`: how many leading rows of the partial features file are
/// durable. Rewritten (atomically) only after those rows were fsynced.
struct FeatureCacheProgressRecord: Codable, Equatable {
    var formatVersion: Int
    var key: String
    var imageCount: Int
    var featureCount: Int
    /// Rows 0..<completedRows are written and fsynced.
    var completedRows: Int
    /// Wall seconds spent extracting so far, over all runs.
    var extractionSeconds: Double
}

/// Why a cache folder or partial folder cannot be used.
public struct FeatureCacheInvalid: Error, Sendable, Equatable, CustomStringConvertible {
    /// Human-readable reason, naming the file and the mismatching values.
    public let reason: String
    init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
