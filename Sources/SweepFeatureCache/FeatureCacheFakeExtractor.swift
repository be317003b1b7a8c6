import Foundation
import SweepData
import SweepTensor

/// A deterministic stand-in for the ResNet50 trunk, for tests of the feature cache and for
/// the `sweep-cache-testhelper` kill test: an image's features are a pseudo-random vector
/// seeded by SHA-256 of (identity, file bytes), so they depend on the bytes alone, like the
/// real trunk's. Optionally slow (`delayPerBatch`) or failing (`failAfterBatches`).
public final class FakeFeatureExtractor: FeatureExtractor, @unchecked Sendable {
    /// Names the fake's parameters.
    public let identity: String
    /// Values per image.
    public let featureCount: Int
    /// Images per batch.
    public let batchSize: Int
    /// Seconds to sleep in every `extract` call.
    public let delayPerBatch: Double
    /// When set, `extract` throws `Interrupted` once this many calls have succeeded.
    public let failAfterBatches: Int?

    private let lock = NSLock()
    private var _extractedPaths: [String] = []
    private var _calls = 0

    /// Thrown by `extract` after `failAfterBatches` successful calls.
    public struct Interrupted: Error, Equatable {}

    /// A fake with these parameters.
    public init(identity: String = "fake-trunk/1", featureCount: Int = 16, batchSize: Int = 4,
                delayPerBatch: Double = 0, failAfterBatches: Int? = nil) {
        self.identity = identity
        self.featureCount = featureCount
        self.batchSize = batchSize
        self.delayPerBatch = delayPerBatch
        self.failAfterBatches = failAfterBatches
    }

    /// Every path passed to a successful `extract` call, in call order.
    public var extractedPaths: [String] { lock.withLock { _extractedPaths } }
    /// Number of `extract` calls, including a failing one.
    public var calls: Int { lock.withLock { _calls } }

    /// - output: (paths.count, featureCount)
    public func extract(paths: [String], into output: UnsafeMutablePointer<Float>) throws {
        let call = lock.withLock { () -> Int in _calls += 1; return _calls }
        if let k = failAfterBatches, call > k { throw Interrupted() }
        if delayPerBatch > 0 { Thread.sleep(forTimeInterval: delayPerBatch) }
        for (i, path) in paths.enumerated() {
            guard let bytes = FileManager.default.contents(atPath: path) else {
                throw FeatureCacheError.unreadableImage(path: path, errno: ENOENT)
            }
            Self.features(of: bytes, identity: identity, into: output + i * featureCount, count: featureCount)
        }
        lock.withLock { _extractedPaths.append(contentsOf: paths) }
    }

    /// The fake features of one image.
    /// - output: (count,) values in [-1, 1)
    public static func features(of bytes: Data, identity: String, into output: UnsafeMutablePointer<Float>, count: Int) {
        let h = ContentHasher()
        h.update(identity)
        h.update(bytes)
        let hex = h.finalizeHex()
        var state = UInt64(hex.prefix(16), radix: 16) ?? 0
        for j in 0..<count {
            output[j] = Float(splitmix64(&state) >> 40) / Float(1 << 23) - 1
        }
    }
}
