import Foundation

/// An error writing or locking a results file; names the path.
public struct FileError: Error, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }
}

/// File operations that survive crashes: atomic replacement, synced appends, advisory locks.
public enum DurableFiles {
    /// Writes `data` to `path` atomically: a temporary file in the same folder, fsync, rename,
    /// fsync of the folder. Readers see the old or the new content, never a mix.
    public static func writeAtomically(_ data: Data, to path: String) throws {
        let dir = (path as NSString).deletingLastPathComponent
        let tmp = "\(path).tmp-\(getpid())"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileError(path: tmp, reason: String(cString: strerror(errno))) }
        do {
            try writeAll(fd: fd, data, path: tmp)
            guard fsync(fd) == 0 else { throw FileError(path: tmp, reason: "fsync: \(String(cString: strerror(errno)))") }
            close(fd)
        } catch {
            close(fd)
            unlink(tmp)
            throw error
        }
        guard rename(tmp, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(tmp)
            throw FileError(path: path, reason: "rename: \(reason)")
        }
        syncDirectory(dir.isEmpty ? "." : dir)
    }

    /// Appends one line (a newline is added) and fsyncs before returning.
    public static func appendLine(_ line: String, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileError(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        try writeAll(fd: fd, Data((line + "\n").utf8), path: path)
        guard fsync(fd) == 0 else { throw FileError(path: path, reason: "fsync: \(String(cString: strerror(errno)))") }
    }

    /// Points the symbolic link `link` at `target` atomically (a new link renamed over the old).
    public static func replaceSymlink(_ link: String, pointingTo target: String) throws {
        let tmp = "\(link).tmp-\(getpid())"
        unlink(tmp)
        guard symlink(target, tmp) == 0 else { throw FileError(path: tmp, reason: String(cString: strerror(errno))) }
        guard rename(tmp, link) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(tmp)
            throw FileError(path: link, reason: "rename: \(reason)")
        }
        syncDirectory((link as NSString).deletingLastPathComponent)
    }

    /// fsyncs a folder so that renames inside it are durable.
    public static func syncDirectory(_ path: String) {
        let fd = open(path.isEmpty ? "." : path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }

    static func writeAll(fd: Int32, _ data: Data, path: String) throws {
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            guard var p = raw.baseAddress else { return }
            var left = raw.count
            while left > 0 {
                let n = write(fd, p, left)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw FileError(path: path, reason: "write: \(String(cString: strerror(errno)))")
                }
                p += n
                left -= n
            }
        }
    }
}

/// An exclusive advisory lock (flock) on a file, held until `release()` or deinit.
public final class FileLock {
    private var fd: Int32
    /// The lock file.
    public let path: String

    /// Takes the lock without waiting; returns nil when another process holds it.
    public static func tryAcquire(_ path: String) throws -> FileLock? {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileError(path: path, reason: String(cString: strerror(errno))) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            close(fd)
            return nil
        }
        // Record the holder for the message a second run prints.
        ftruncate(fd, 0)
        let text = "\(getpid())\n"
        _ = text.withCString { write(fd, $0, strlen($0)) }
        return FileLock(fd: fd, path: path)
    }

    private init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    /// The pid written by the current holder, if readable.
    public static func holder(of path: String) -> Int32? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Releases the lock.
    public func release() {
        if fd >= 0 {
            flock(fd, LOCK_UN)
            close(fd)
            fd = -1
        }
    }

    deinit { release() }
}
