#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
/// Errors of the feature cache (SweepFeatureCache) and of the durable-file layer under it
/// (`DurableFiles`, `FileLock`, here in SweepData). Each names the file at fault.
public enum FeatureCacheError: Error, Equatable, CustomStringConvertible {
    /// A system call on `path` failed with `errno`.
    case io(path: String, operation: String, errno: Int32)
    /// An image could not be read while computing the key.
    case unreadableImage(path: String, errno: Int32)
    /// The request itself is unusable (no images, a non-positive feature count or batch size).
    case invalidRequest(String)
    /// A cache opened by key alone is missing or fails validation.
    case invalidCache(path: String, reason: String)

    public var description: String {
        switch self {
        case let .io(path, operation, code):
            return "feature cache: \(operation) failed for \(path): \(String(cString: strerror(code)))"
        case let .unreadableImage(path, code):
            return "feature cache: cannot read image \(path): \(String(cString: strerror(code)))"
        case let .invalidRequest(message):
            return "feature cache: \(message)"
        case let .invalidCache(path, reason):
            return "feature cache: \(path) is not usable: \(reason)"
        }
    }
}
