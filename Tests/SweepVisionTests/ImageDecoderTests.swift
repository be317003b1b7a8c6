import XCTest
@testable import SweepVision

/// Colour handling of the decoder, checked without Pillow: grayscale replication,
/// Pillow's CMYK formula against plain rounding arithmetic, and an RGB round trip.
final class ImageDecoderTests: XCTestCase {
    func testGrayscaleBecomesThreeEqualChannels() throws {
        let w = 37, h = 23
        let gray = (0..<(w * h)).map { UInt8(truncatingIfNeeded: $0 * 7 + $0 / w * 13) }
        let jpeg = try JPEGEncoder.encode(pixels: gray, width: w, height: h, components: 1, quality: 95)
        let image = try ImageDecoder.decode(bytes: jpeg, name: "gray.jpg")
        XCTAssertEqual(image.width, w)
        XCTAssertEqual(image.height, h)
        for i in 0..<(w * h) {
            XCTAssertEqual(image.pixels[3 * i], image.pixels[3 * i + 1])
            XCTAssertEqual(image.pixels[3 * i], image.pixels[3 * i + 2])
        }
    }

    /// Pillow: raw samples inverted ("CMYK;I"), then r = (255 - k) - round(c * (255 - k) / 255).
    func testAdobeCMYKFormulaOverAllInkAndBlackValues() {
        var raw = [UInt8](), expected = [UInt8]()
        for storedInk in 0..<256 { for storedBlack in 0..<256 {
            raw += [UInt8(storedInk), UInt8(255 - storedInk), UInt8(storedInk / 2), UInt8(storedBlack)]
            let k = 255 - storedBlack, nk = 255 - k
            for stored in [storedInk, 255 - storedInk, storedInk / 2] {
                let ink = 255 - stored
                let value = nk - Int((Double(ink * nk) / 255).rounded())
                expected.append(UInt8(max(0, min(255, value))))
            }
        }}
        let count = raw.count / 4
        var rgb = [UInt8](repeating: 0, count: count * 3)
        raw.withUnsafeBufferPointer { r in
            rgb.withUnsafeMutableBufferPointer { o in
                guard let src = r.baseAddress, let dst = o.baseAddress else { return }
                PillowColorConversion.adobeCMYKToRGB(src, dst, count: count)
            }
        }
        XCTAssertEqual(rgb, expected)
    }

    func testRGBRoundTripKeepsChannelOrder() throws {
        let w = 64, h = 48
        var pixels = [UInt8](repeating: 0, count: w * h * 3)
        for y in 0..<h { for x in 0..<w {
            pixels[(y * w + x) * 3] = UInt8(x * 4)       // red rises to the right
            pixels[(y * w + x) * 3 + 1] = UInt8(y * 5)   // green rises downwards
            pixels[(y * w + x) * 3 + 2] = 200            // blue constant
        }}
        let jpeg = try JPEGEncoder.encode(pixels: pixels, width: w, height: h, quality: 100, subsampling: .s444)
        let image = try ImageDecoder.decode(bytes: jpeg, name: "roundtrip.jpg")
        XCTAssertEqual(image.width, w)
        XCTAssertEqual(image.height, h)
        let d = byteDifference(image.pixels, pixels)
        XCTAssertLessThanOrEqual(d.max, 4)
        XCTAssertLessThan(d.mean, 1)
    }
}
