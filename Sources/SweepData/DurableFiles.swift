#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// File operations that survive crashes, shared by the feature cache and the results store:
/// positioned writes, fsync of files and folders, write-then-rename replacement, synced
/// appends and atomic symlink replacement.
public enum DurableFiles {
    /// Writes `data` to `url` so that after a crash the file holds either its old contents or
    /// all of `data`: write a temporary sibling, fsync it, rename it over `url`, fsync the folder.
    public static func replaceDurably(_ url: URL, with data: Data) throws {
        let tmp = url.path + ".tmp-\(getpid())"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FeatureCacheError.io(path: tmp, operation: "open", errno: errno) }
        do {
            try data.withUnsafeBytes { raw in
                try writeAll(fd, raw, offset: 0, path: tmp)
            }
            try syncFile(fd, path: tmp)
        } catch {
            close(fd)
            unlink(tmp)
            throw error
        }
        close(fd)
        guard rename(tmp, url.path) == 0 else {
            let code = errno
            unlink(tmp)
            throw FeatureCacheError.io(path: url.path, operation: "rename", errno: code)
        }
        try syncDirectory(url.deletingLastPathComponent())
    }

    /// `replaceDurably` for a path.
    public static func writeAtomically(_ data: Data, to path: String) throws {
        try replaceDurably(URL(fileURLWithPath: path), with: data)
    }

    /// Appends one line (a newline is added) and fsyncs before returning.
    public static func appendLine(_ line: String, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FeatureCacheError.io(path: path, operation: "open", errno: errno) }
        defer { close(fd) }
        let bytes = Array((line + "\n").utf8)
        var done = 0
        while done < bytes.count {
            let n = bytes[done...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FeatureCacheError.io(path: path, operation: "write", errno: errno)
            }
            done += n
        }
        try syncFile(fd, path: path)
    }

    /// Points the symbolic link `link` at `target` atomically (a new link renamed over the old).
    public static func replaceSymlink(_ link: String, pointingTo target: String) throws {
        let tmp = "\(link).tmp-\(getpid())"
        unlink(tmp)
        guard symlink(target, tmp) == 0 else { throw FeatureCacheError.io(path: tmp, operation: "symlink", errno: errno) }
        guard rename(tmp, link) == 0 else {
            let code = errno
            unlink(tmp)
            throw FeatureCacheError.io(path: link, operation: "rename", errno: code)
        }
        try syncDirectory(URL(fileURLWithPath: link).deletingLastPathComponent())
    }

    /// Writes all of `bytes` at `offset`, retrying short writes and EINTR.
    public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, offset: Int, path: String) throws {
        guard let base = bytes.baseAddress else { return }
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, base + done, bytes.count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw FeatureCacheError.io(path: path, operation: "write", errno: errno)
            }
            done += n
        }
    }

    /// fsync of an open file.
    public static func syncFile(_ fd: Int32, path: String) throws {
        while fsync(fd) != 0 {
            if errno != EINTR { throw FeatureCacheError.io(path: path, operation: "fsync", errno: errno) }
        }
    }

    /// fsync of a folder, making renames and creations inside it durable.
    public static func syncDirectory(_ url: URL) throws {
        let fd = open(url.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FeatureCacheError.io(path: url.path, operation: "open", errno: errno) }
        defer { close(fd) }
        try syncFile(fd, path: url.path)
    }

    /// Size in bytes of the file at `path`, or nil when it does not exist.
    public static func fileSize(_ path: String) -> Int? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return Int(st.st_size)
    }
}
