/// An error about a results file or folder; names the path.
public struct FileError: Error, CustomStringConvertible {
    /// The file or folder at fault.
    public var path: String
    /// What is wrong with it.
    public var reason: String

    /// An error about `path`.
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    /// `path: reason`.
    public var description: String { "\(path): \(reason)" }
}
