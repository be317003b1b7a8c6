// PNG decoding with libpng (through the CPNG shim) and the conversion to RGB that
// `PIL.Image.open(f).convert("RGB")` applies, after Pillow 13 src/PIL/PngImagePlugin.py
// (`_MODES`: which mode and rawmode each bit depth and colour type opens as) and
// src/libImaging/Unpack.c / Convert.c:
//   gray 1/2/4 bit    "1", "L;2", "L;4"   scaled to 0..255 (the shim does it), then l2rgb
//   gray 8            "L"                 l2rgb (value copied to R, G, B)
//   gray 16           "I;16" (I;16B)      I16 -> RGB clips: min(value, 255) in each channel
//   RGB 8 / 16        "RGB" / "RGB;16B"   16-bit samples keep their high byte
//   palette 1..8      "P"                 the PLTE entry's R, G, B (tRNS ignored)
//   gray+alpha 8 / 16 "LA" / "LA;16B"     alpha dropped, gray (high byte) replicated
//   RGBA 8 / 16       "RGBA" / "RGBA;16B" alpha dropped, high bytes
// Transparency and gamma never change the RGB values Pillow returns. Checked against Pillow by
// Tests/Fixtures/make_png_fixtures.py (every colour type and bit depth, interlaced too).
import CPNG

/// Decodes PNG files into RGB, as Pillow's `convert("RGB")` does.
enum PNGDecoder {
    /// The PNG file signature.
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// The RGB pixels of PNG data held in memory; `name` is how errors name it.
    static func decode(bytes: [UInt8], name: String) throws(ImageError) -> RGBImage {
        var raw: UnsafeMutablePointer<UInt8>?
        var width: Int32 = 0, height: Int32 = 0, colorType: Int32 = 0, bitDepth: Int32 = 0, channels: Int32 = 0
        var palette = [UInt8](repeating: 0, count: 256 * 3)
        var paletteCount: Int32 = 0
        var message = [CChar](repeating: 0, count: 256)
        let status = bytes.withUnsafeBufferPointer { p in
            sweep_png_decode(p.baseAddress, p.count, &raw, &width, &height, &colorType, &bitDepth, &channels,
                             &palette, &paletteCount, &message, message.count)
        }
        defer { sweep_png_free(raw) }
        guard status == 0, let raw else {
            let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let kind: ImageError.Kind = switch status {
            case SWEEP_PNG_TRUNCATED: .truncated
            case SWEEP_PNG_TOO_LARGE: .tooLarge
            default: .corrupt
            }
            throw ImageError(path: name, kind: kind, reason: kind == .corrupt ? "corrupt PNG: \(text)" : text)
        }
        let w = Int(width), h = Int(height), count = w * h
        let sample = bitDepth == 16 ? 2 : 1, ch = Int(channels)
        // raw: (h, w, ch) samples of `sample` bytes each, big-endian; pixels: (h, w, 3)
        var pixels = [UInt8](repeating: 0, count: count * 3)
        pixels.withUnsafeMutableBufferPointer { out in
            guard let dst = out.baseAddress else { return }
            for i in 0..<count {
                let px = raw + i * ch * sample
                /// Channel c's 8-bit value: the high byte of a 16-bit sample.
                func high(_ c: Int) -> UInt8 { px[c * sample] }
                switch (colorType, sample) {
                case (0, 2):  // I;16 -> RGB: clipped to 255
                    let v = UInt8(clamping: Int(px[0]) << 8 | Int(px[1]))
                    dst[3 * i] = v; dst[3 * i + 1] = v; dst[3 * i + 2] = v
                case (0, _), (4, _):
                    let v = high(0)
                    dst[3 * i] = v; dst[3 * i + 1] = v; dst[3 * i + 2] = v
                case (3, _):
                    let index = Int(px[0])
                    guard index < Int(paletteCount) else { continue }  // past the palette: black
                    dst[3 * i] = palette[3 * index]; dst[3 * i + 1] = palette[3 * index + 1]; dst[3 * i + 2] = palette[3 * index + 2]
                default:  // 2 (RGB) and 6 (RGBA)
                    dst[3 * i] = high(0); dst[3 * i + 1] = high(1); dst[3 * i + 2] = high(2)
                }
            }
        }
        return RGBImage(width: w, height: h, pixels: pixels)
    }
}
