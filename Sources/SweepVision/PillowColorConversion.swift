// Pillow's conversions to RGB of what its JPEG plugin decodes, after
// Pillow 13 src/libImaging/Unpack.c (rawmode "CMYK;I": copy4I, each byte inverted),
// src/libImaging/Convert.c (l2rgb; cmyk2rgb with MULDIV255 from ImagingUtils.h) and
// src/PIL/JpegImagePlugin.py ("CMYK;I  # assume adobe conventions", for every CMYK JPEG).

/// The pixel conversions `Image.open(f).convert("RGB")` applies to a decoded JPEG.
enum PillowColorConversion {
    /// Grayscale to RGB: each value copied into all three channels (Pillow's `l2rgb`).
    ///
    /// - Parameters:
    ///   - gray: (count) samples.
    ///   - rgb: (count, 3) output.
    static func grayToRGB(_ gray: UnsafePointer<UInt8>, _ rgb: UnsafeMutablePointer<UInt8>, count: Int) {
        for i in 0..<count {
            let v = gray[i]
            rgb[3 * i] = v
            rgb[3 * i + 1] = v
            rgb[3 * i + 2] = v
        }
    }

    /// libjpeg's raw CMYK samples to RGB, as Pillow does it: the samples are read
    /// inverted (rawmode "CMYK;I", Adobe polarity) and then `cmyk2rgb` computes
    /// `nk = 255 - k; out = clip8(nk - muldiv255(c, nk))` per channel.
    ///
    /// - Parameters:
    ///   - raw: (count, 4) samples as libjpeg returns them for JCS_CMYK output.
    ///   - rgb: (count, 3) output.
    static func adobeCMYKToRGB(_ raw: UnsafePointer<UInt8>, _ rgb: UnsafeMutablePointer<UInt8>, count: Int) {
        for i in 0..<count {
            // Inverting the stored K gives k; nk = 255 - k is the raw sample itself.
            let nk = Int32(raw[4 * i + 3])
            for c in 0..<3 {
                let ink = 255 - Int32(raw[4 * i + c])
                rgb[3 * i + c] = UInt8(clamping: nk - muldiv255(ink, nk))
            }
        }
    }

    /// Pillow's `MULDIV255(a, b)`: a * b / 255 rounded, with shifts.
    @inline(__always)
    static func muldiv255(_ a: Int32, _ b: Int32) -> Int32 {
        let t = a * b + 128
        return ((t >> 8) + t) >> 8
    }
}
