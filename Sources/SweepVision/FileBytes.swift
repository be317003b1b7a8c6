#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reads through POSIX calls, so that a failure carries the OS's reason
/// ("No such file or directory", "Is a directory", ...).
enum FileBytes {
    /// The bytes of the file at `path`.
    static func contents(of path: String) throws(ImageError) -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw failure(path) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw failure(path) }
        // st_size is only a hint (pipes, /proc); read until end of file.
        var bytes = [UInt8](repeating: 0, count: max(Int(info.st_size), 0) + 1)
        var filled = 0
        while true {
            if filled == bytes.count { bytes.append(contentsOf: repeatElement(0, count: bytes.count)) }
            let n = bytes.withUnsafeMutableBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return read(fd, base + filled, buffer.count - filled)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw failure(path)
            }
            if n == 0 { break }
            filled += n
        }
        bytes.removeSubrange(filled...)
        return bytes
    }

    private static func failure(_ path: String) -> ImageError {
        let code = errno
        let text = strerror(code).map { String(cString: $0) } ?? "error \(code)"
        return ImageError(path: path, kind: .unreadable, reason: "cannot read file: \(text)")
    }
}
