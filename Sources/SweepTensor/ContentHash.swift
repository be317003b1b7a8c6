import CCrypto
import Foundation

/// Incremental SHA-256 (OpenSSL's EVP interface), for content-addressed caches and
/// weight identities.
public final class ContentHasher {
    private let context: OpaquePointer?

    /// A hasher with nothing added yet.
    public init() {
        context = EVP_MD_CTX_new()
        EVP_DigestInit_ex(context, EVP_sha256(), nil)
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Adds raw bytes.
    public func update(_ bytes: UnsafeRawBufferPointer) {
        if let base = bytes.baseAddress { EVP_DigestUpdate(context, base, bytes.count) }
    }

    /// Adds bytes.
    public func update<D: ContiguousBytes>(_ data: D) { data.withUnsafeBytes { update($0) } }

    /// Adds a string's UTF-8 bytes followed by a 0 byte (so that "ab","c" != "a","bc").
    public func update(_ string: String) {
        update(Data(string.utf8))
        update(Data([0]))
    }

    /// The digest as 64 lowercase hex digits. Call once.
    public func finalizeHex() -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        EVP_DigestFinal_ex(context, &digest, &length)
        return digest.map { String(format: "%02x", $0) }.joined()
    }

    /// SHA-256 of `data` as hex.
    public static func sha256Hex<D: ContiguousBytes>(_ data: D) -> String {
        let h = ContentHasher()
        h.update(data)
        return h.finalizeHex()
    }
}
