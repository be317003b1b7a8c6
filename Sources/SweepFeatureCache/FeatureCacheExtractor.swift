/// A frozen feature extractor whose outputs the feature cache stores on disk.
///
/// The cache assumes the extractor is a pure function of (image bytes, `identity`):
/// the same bytes and the same identity always give the same features. The real
/// implementation runs the JPEG pipeline and the frozen ResNet50 trunk; tests use
/// `FakeFeatureExtractor`.
public protocol FeatureExtractor {
    /// Stable text naming everything besides the image bytes that determines the features:
    /// the weights (e.g. their SHA-256) and the preprocessing (resize, crop, normalisation).
    /// Part of the cache key, so any change to it gives a new cache.
    var identity: String { get }
    /// Features per image (D); 2048 for the ResNet50 trunk.
    var featureCount: Int { get }
    /// Images per `extract` call; the cache commits its progress after each batch.
    var batchSize: Int { get }
    /// Computes the features of `paths` (at most `batchSize` of them) in order.
    /// - Parameters:
    ///   - paths: image files, one row each.
    ///   - output: (paths.count, featureCount) row-major, fully overwritten.
    func extract(paths: [String], into output: UnsafeMutablePointer<Float>) throws
}
