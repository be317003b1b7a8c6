#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive `flock` on a lock file: `<cacheDir>/<key>.lock`, held by whoever builds that
/// cache, and `results/<name>/.lock`, held by the running `sweep run`.
///
/// flock locks belong to an open file description, so two `FileLock`s on the same path
/// exclude each other even inside one process, and the kernel releases the lock when its
/// holder dies (including by SIGKILL). The lock file itself is never deleted: deleting it
/// would let a waiter lock an unlinked file while a newcomer locks a fresh one.
public final class FileLock: @unchecked Sendable {
    /// The lock file.
    public let path: String
    private let fd: Int32

    /// Opens (creating if needed) the lock file without locking it.
    public init(path: String) throws {
        self.path = path
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FeatureCacheError.io(path: path, operation: "open", errno: errno) }
    }

    /// Closing the descriptor releases the lock.
    deinit { close(fd) }

    /// Takes the lock if nobody holds it; returns false when another holder has it.
    public func tryLock() throws -> Bool {
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            if errno == EWOULDBLOCK { return false }
            if errno != EINTR { throw FeatureCacheError.io(path: path, operation: "flock", errno: errno) }
        }
        return true
    }

    /// Waits for the lock.
    public func lock() throws {
        while flock(fd, LOCK_EX) != 0 {
            if errno != EINTR { throw FeatureCacheError.io(path: path, operation: "flock", errno: errno) }
        }
    }

    /// Releases the lock (also done by deinit).
    public func unlock() {
        _ = flock(fd, LOCK_UN)
    }

    /// Records this process as the holder (for the message another process prints).
    public func writeHolderPID() {
        _ = ftruncate(fd, 0)
        let text = Array("\(getpid())\n".utf8)
        _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }

    /// The pid written by the holder, if readable.
    public static func holder(of path: String) -> Int32? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
