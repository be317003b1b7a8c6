/// Why an image could not be loaded; always names the file.
public struct ImageError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The broad cause, for callers that react differently to each.
    public enum Kind: String, Sendable, Equatable {
        /// The file could not be opened or read (missing, a directory, no permission).
        case unreadable
        /// The file holds zero bytes.
        case empty
        /// The bytes start with neither a JPEG SOI marker nor the PNG signature.
        case notJPEG
        /// The JPEG or PNG data ends early (Pillow: "image file is truncated").
        case truncated
        /// libjpeg or libpng rejected the data (corrupt markers or chunks, bad CRC, unsupported format).
        case corrupt
        /// More pixels than Pillow's decompression-bomb limit.
        case tooLarge
    }

    /// The file (or the name given to in-memory bytes).
    public var path: String
    /// The broad cause.
    public var kind: Kind
    /// The reason in words (libjpeg's or the OS's message).
    public var reason: String

    /// An error about `path`.
    public init(path: String, kind: Kind, reason: String) {
        self.path = path
        self.kind = kind
        self.reason = reason
    }

    /// `<path>: <reason>`, one line.
    public var description: String { "\(path): \(reason)" }
}
