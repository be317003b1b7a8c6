#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive `flock` on `<cacheDir>/<key>.lock`, held by whoever builds that cache.
///
/// flock locks belong to an open file description, so two `FeatureCacheLock`s on the same path
/// exclude each other even inside one process, and the kernel releases the lock when its
/// holder dies (including by SIGKILL). The lock file itself is never deleted: deleting it
/// would let a waiter lock an unlinked file while a newcomer locks a fresh one.
final class FeatureCacheLock {
    let path: String
    private let fd: Int32

    /// Opens (creating if needed) the lock file without locking it.
    init(path: String) throws {
        self.path = path
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FeatureCacheError.io(path: path, operation: "open", errno: errno) }
    }

    /// Closing the descriptor releases the lock.
    deinit { close(fd) }

    /// Takes the lock if nobody holds it; returns false when another holder has it.
    func tryLock() throws -> Bool {
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            if errno == EWOULDBLOCK { return false }
            if errno != EINTR { throw FeatureCacheError.io(path: path, operation: "flock", errno: errno) }
        }
        return true
    }

    /// Waits for the lock.
    func lock() throws {
        while flock(fd, LOCK_EX) != 0 {
            if errno != EINTR { throw FeatureCacheError.io(path: path, operation: "flock", errno: errno) }
        }
    }

    /// Releases the lock (also done by deinit).
    func unlock() {
        _ = flock(fd, LOCK_UN)
    }
}
