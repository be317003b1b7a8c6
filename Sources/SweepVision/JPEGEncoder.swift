import CJPEG

/// How the chroma planes of a colour JPEG are sampled.
public enum ChromaSubsampling: Int, Sendable, CaseIterable {
    /// 4:4:4, chroma at full resolution.
    case s444 = 444
    /// 4:2:2, chroma halved horizontally.
    case s422 = 422
    /// 4:2:0, chroma halved in both directions.
    case s420 = 420
}

/// An error from encoding a JPEG.
public struct JPEGEncodeError: Error, CustomStringConvertible {
    /// libjpeg's message, or what was wrong with the arguments.
    public var message: String
    /// `JPEG encoding failed: <message>`.
    public var description: String { "JPEG encoding failed: \(message)" }
}

/// Encodes 8-bit pixels as JPEG with libjpeg-turbo.
public enum JPEGEncoder {
    /// JPEG bytes of an image.
    ///
    /// - Parameters:
    ///   - pixels: (height, width, components) packed rows; components 3 (RGB) or 1 (gray).
    ///   - quality: 1...100.
    public static func encode(pixels: [UInt8], width: Int, height: Int, components: Int = 3,
                              quality: Int = 90, subsampling: ChromaSubsampling = .s420,
                              progressive: Bool = false) throws -> [UInt8] {
        guard pixels.count == width * height * components else {
            throw JPEGEncodeError(message: "\(pixels.count) bytes for a \(width)x\(height)x\(components) image")
        }
        var out: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        var message = [CChar](repeating: 0, count: 256)
        let status = pixels.withUnsafeBufferPointer { p in
            sweep_jpeg_encode(p.baseAddress, Int32(width), Int32(height), Int32(components), Int32(quality),
                              Int32(subsampling.rawValue), progressive ? 1 : 0, &out, &size, &message, message.count)
        }
        defer { sweep_jpeg_free(out) }
        guard status == 0, let out else {
            throw JPEGEncodeError(message: String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return Array(UnsafeBufferPointer(start: out, count: Int(size)))
    }
}
