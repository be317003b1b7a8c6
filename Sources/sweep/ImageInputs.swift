import ArgumentParser
import Foundation

/// The images named on a `predict` or `embed` command line: files as given; folders searched
/// recursively for `.jpg`, `.jpeg` and `.png` files (any case, hidden files skipped), sorted by
/// path; paths that do not exist are problems, reported like unreadable images.
enum ImageInputs {
    /// File extensions found in folders.
    static let extensions: Set<String> = ["jpg", "jpeg", "png"]

    /// The image paths, in argument order (each folder's files sorted), and the arguments that
    /// are neither a file nor a folder, with why.
    static func expand(_ arguments: [String]) -> (paths: [String], problems: [(path: String, reason: String)]) {
        let fm = FileManager.default
        var paths: [String] = [], problems: [(String, String)] = []
        for argument in arguments {
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: argument, isDirectory: &isDirectory) else {
                problems.append((argument, "no such file or folder"))
                continue
            }
            guard isDirectory.boolValue else {
                paths.append(argument)
                continue
            }
            let base = URL(fileURLWithPath: argument)
            let found = (fm.enumerator(at: base, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles])?
                .compactMap { $0 as? URL } ?? [])
                .filter { extensions.contains($0.pathExtension.lowercased())
                    && ((try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) ?? false) == true }
                .map { argument.hasSuffix("/") ? argument + relative($0, to: base) : argument + "/" + relative($0, to: base) }
                .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            if found.isEmpty { problems.append((argument, "folder holds no .jpg, .jpeg or .png file")) }
            paths += found
        }
        return (paths, problems)
    }

    /// `url`'s path below `base`.
    private static func relative(_ url: URL, to base: URL) -> String {
        let full = url.standardizedFileURL.path, root = base.standardizedFileURL.path
        return full.hasPrefix(root + "/") ? String(full.dropFirst(root.count + 1)) : url.lastPathComponent
    }
}

/// Counts the images that could not be used and reports each on stderr as it is found.
final class BadImages {
    private(set) var count = 0

    /// `error: <path>: <reason>` on stderr.
    func report(_ path: String, _ reason: String) {
        count += 1
        printError("error: \(path): \(reason)")
    }

    /// Exit status 1 (after the good images' output) when any image was bad.
    func finish(of total: Int) throws {
        guard count > 0 else { return }
        printError("error: \(count) of \(total) image(s) could not be read (listed above); the other \(total - count) were processed")
        throw ExitCode.failure
    }
}
