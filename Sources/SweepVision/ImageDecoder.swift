import CJPEG

/// Decodes JPEG and PNG files into RGB (the format told by the file's first bytes, not its
/// name), giving the same pixels as `PIL.Image.open(f).convert("RGB")`. JPEG: libjpeg-turbo
/// through the CJPEG shim (so a bad file becomes an `ImageError`, never an abort), libjpeg's
/// default (ISLOW DCT, fancy upsampling) decode, grayscale replicated, CMYK converted as Pillow
/// does. PNG: libpng through the CPNG shim, converted as Pillow does (`PNGDecoder`).
public enum ImageDecoder {
    /// The RGB pixels of the JPEG or PNG file at `path`.
    public static func decode(fileAt path: String) throws(ImageError) -> RGBImage {
        let bytes = try FileBytes.contents(of: path)
        return try decode(bytes: bytes, name: path)
    }

    /// The RGB pixels of JPEG or PNG data held in memory.
    ///
    /// - Parameters:
    ///   - bytes: the whole file.
    ///   - name: how errors name the data (usually its path).
    public static func decode(bytes: [UInt8], name: String) throws(ImageError) -> RGBImage {
        guard !bytes.isEmpty else { throw ImageError(path: name, kind: .empty, reason: "empty file (0 bytes)") }
        if bytes.starts(with: PNGDecoder.signature) { return try PNGDecoder.decode(bytes: bytes, name: name) }
        var raw: UnsafeMutablePointer<UInt8>?
        var width: Int32 = 0, height: Int32 = 0, components: Int32 = 0
        var message = [CChar](repeating: 0, count: 256)
        let status = bytes.withUnsafeBufferPointer { p in
            sweep_jpeg_decode(p.baseAddress, p.count, &raw, &width, &height, &components, &message, message.count)
        }
        defer { sweep_jpeg_free(raw) }
        guard status == 0, let raw else {
            let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw ImageError(path: name, kind: kind(status), reason: reason(status, libjpeg: text))
        }
        let w = Int(width), h = Int(height), count = w * h
        var pixels = [UInt8](repeating: 0, count: count * 3)
        let ok = pixels.withUnsafeMutableBufferPointer { out -> Bool in
            guard let dst = out.baseAddress else { return count == 0 }
            switch components {
            case 3: dst.update(from: raw, count: count * 3)
            case 1: PillowColorConversion.grayToRGB(raw, dst, count: count)
            case 4: PillowColorConversion.adobeCMYKToRGB(raw, dst, count: count)
            default: return false
            }
            return true
        }
        guard ok else {
            throw ImageError(path: name, kind: .corrupt, reason: "unsupported JPEG with \(components) colour components")
        }
        return RGBImage(width: w, height: h, pixels: pixels)
    }

    private static func kind(_ status: Int32) -> ImageError.Kind {
        switch status {
        case SWEEP_JPEG_TRUNCATED: .truncated
        case SWEEP_JPEG_NOT_JPEG: .notJPEG
        case SWEEP_JPEG_TOO_LARGE: .tooLarge
        default: .corrupt
        }
    }

    private static func reason(_ status: Int32, libjpeg text: String) -> String {
        switch status {
        case SWEEP_JPEG_NOT_JPEG: "not a JPEG or PNG file (\(text))"
        case SWEEP_JPEG_TRUNCATED, SWEEP_JPEG_TOO_LARGE: text
        default: "corrupt JPEG: \(text)"
        }
    }
}
