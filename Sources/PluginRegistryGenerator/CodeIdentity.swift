// The code identity of a plugin: SHA-256 (FIPS 180-4, through OpenSSL's EVP interface) of its
// source files, normalised so that comments and whitespace do not count. sweep makes it part of
// a trial's id for the user's plugins, so a trial reruns when the plugin it used changes.
import CCrypto
import Foundation

enum CodeIdentity {
    /// The files that make up a plugin declared in `declaringFiles`: for a file inside a folder
    /// of the module (`plugins/<folder>/X.swift`), every Swift file under that folder; for a
    /// file at the module's top level, the declaring files themselves.
    ///
    /// - Returns: (absolute path, name to hash) pairs sorted by name; the name is relative to the
    ///   plugin's folder (so moving or renaming the folder keeps the identity) or to the module.
    static func files(declaring declaringFiles: [String], root: String, inputs: [String]) -> [(path: String, name: String)] {
        var out: [String: String] = [:]   // name -> path
        for file in declaringFiles {
            let relative = relativePath(file, to: root)
            let parts = relative.split(separator: "/")
            if parts.count > 1 {
                let folder = root + "/" + parts[0] + "/"
                for input in inputs where input.hasPrefix(folder) { out[String(input.dropFirst(folder.count))] = input }
            } else {
                out[relative] = file
            }
        }
        return out.sorted { $0.key < $1.key }.map { (path: $0.value, name: $0.key) }
    }

    /// `sha256:<hex>` over each file's name and normalised text, in the given order.
    static func hash(_ files: [(path: String, name: String)]) throws -> String {
        guard let context = EVP_MD_CTX_new() else { throw CodeIdentityError("cannot allocate a SHA-256 context") }
        defer { EVP_MD_CTX_free(context) }
        EVP_DigestInit_ex(context, EVP_sha256(), nil)
        func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { _ = EVP_DigestUpdate(context, $0.baseAddress, $0.count) } }
        for file in files {
            let source = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file.path)))
            update(Array(file.name.utf8) + [0])
            update(normalised(source) + [0])
        }
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        EVP_DigestFinal_ex(context, &digest, &length)
        return "sha256:" + digest.prefix(Int(length)).map { String(format: "%02x", $0) }.joined()
    }

    /// The source with comments removed and every run of whitespace made one space (leading and
    /// trailing whitespace dropped): what counts as a change of the code.
    static func normalised(_ source: [UInt8]) -> [UInt8] {
        let code = SourceBlanking.blank(source, strings: false)
        var out: [UInt8] = []
        out.reserveCapacity(code.count)
        var pendingSpace = false
        for b in code {
            if b == UInt8(ascii: " ") || b == UInt8(ascii: "\n") || b == UInt8(ascii: "\t") || b == UInt8(ascii: "\r") {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(UInt8(ascii: " ")) }
                pendingSpace = false
                out.append(b)
            }
        }
        return out
    }

    /// `path` relative to `root` (unchanged when it is not under it).
    static func relativePath(_ path: String, to root: String) -> String {
        let prefix = root.hasSuffix("/") ? root : root + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }

    /// The deepest folder containing every path (the module's folder when none is given).
    static func commonFolder(_ paths: [String]) -> String {
        let folders = paths.map { URL(fileURLWithPath: $0).deletingLastPathComponent().pathComponents }
        guard var common = folders.first else { return "/" }
        for f in folders.dropFirst() {
            common = Array(zip(common, f).prefix { $0.0 == $0.1 }.map(\.0))
        }
        return NSString.path(withComponents: common.isEmpty ? ["/"] : common)
    }
}

struct CodeIdentityError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
