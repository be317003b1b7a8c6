import XCTest
@testable import SweepVision

/// The resize alone: bit-exact against Pillow 13 on random pixels (both pass orders,
/// the tie between them, upscaling, one unchanged axis), and within 1 of a naive
/// double-precision antialiased triangle filter written straight from its definition.
final class PillowResizeTests: XCTestCase {
    static let targets = [(30, 40), (110, 30), (105, 30), (106, 30), (160, 40), (140, 75), (120, 25), (45, 60)]

    func noiseSource() throws -> RGBImage {
        let source = try Fixtures.uint8Array("noise_source.npy")
        XCTAssertEqual(source.shape, [60, 120, 3])
        return RGBImage(width: source.shape[1], height: source.shape[0], pixels: source.values)
    }

    func testMatchesPillowBitForBit() throws {
        let source = try noiseSource()
        for (w, h) in Self.targets {
            let expected = try Fixtures.uint8Array("noise_to_\(w)x\(h).npy")
            XCTAssertEqual(expected.shape, [h, w, 3])
            let got = PillowResize.resize(source, width: w, height: h)
            XCTAssertEqual(got.width, w)
            XCTAssertEqual(got.height, h)
            let d = byteDifference(got.pixels, expected.values)
            XCTAssertEqual(got.pixels.count, expected.values.count)
            XCTAssertEqual(d.max, 0, "\(w)x\(h): \(d.count) values differ")
        }
    }

    func testPassOrderRule() throws {
        let source = try noiseSource()  // 120 x 60
        // (w, h, vertical first?) per the fixture script's comments.
        let cases = [(30, 40, false), (110, 30, true), (105, 30, false), (106, 30, true), (160, 40, true), (140, 75, false)]
        for (w, h, vertical) in cases {
            XCTAssertEqual(PillowResize.verticalFirst(source, width: w, height: h), vertical, "\(w)x\(h)")
        }
    }

    func testSameSizeIsACopy() throws {
        let source = try noiseSource()
        XCTAssertEqual(PillowResize.resize(source, width: 120, height: 60), source)
    }

    /// Output pixel (y, x) = sum over the source of tri(x) * tri(y) * pixel, each
    /// triangle centred on the output pixel's centre mapped into the source, widened
    /// by the downscale factor and normalised over the taps inside the image; no
    /// fixed point, no rounding between the axes.
    func naiveResize(_ image: RGBImage, width: Int, height: Int) -> [Double] {
        func weights(inSize: Int, outSize: Int, index: Int) -> [Double] {
            let scale = Double(inSize) / Double(outSize), widen = max(scale, 1)
            let center = (Double(index) + 0.5) * scale
            var w = (0..<inSize).map { i -> Double in
                let t = abs((Double(i) + 0.5 - center) / widen)
                return t < 1 ? 1 - t : 0
            }
            let total = w.reduce(0, +)
            w = w.map { $0 / total }
            return w
        }
        var out = [Double](repeating: 0, count: width * height * 3)
        let wx = (0..<width).map { weights(inSize: image.width, outSize: width, index: $0) }
        let wy = (0..<height).map { weights(inSize: image.height, outSize: height, index: $0) }
        for y in 0..<height { for x in 0..<width { for c in 0..<3 {
            var s = 0.0
            for sy in 0..<image.height where wy[y][sy] != 0 {
                for sx in 0..<image.width where wx[x][sx] != 0 {
                    s += wy[y][sy] * wx[x][sx] * Double(image.pixels[(sy * image.width + sx) * 3 + c])
                }
            }
            out[(y * width + x) * 3 + c] = s
        }}}
        return out
    }

    func testWithinOneOfNaiveFilter() throws {
        let source = try noiseSource()
        for (w, h) in [(31, 17), (53, 60), (120, 29), (200, 90), (77, 131)] {
            let got = PillowResize.resize(source, width: w, height: h)
            let naive = naiveResize(source, width: w, height: h)
            var worst = 0.0
            for i in 0..<naive.count { worst = max(worst, abs(Double(got.pixels[i]) - naive[i])) }
            // Two roundings (between the passes and at the end) plus fixed-point weights.
            XCTAssertLessThan(worst, 1.5, "\(w)x\(h)")
        }
    }

    func testCoefficientsAreNormalisedAndInBounds() {
        for (inSize, outSize) in [(517, 224), (97, 224), (224, 224), (1000, 3), (3, 1000)] {
            let c = PillowResize.coefficients(inSize: inSize, outSize: outSize)
            for i in 0..<outSize {
                let first = c.bounds[2 * i], taps = c.bounds[2 * i + 1]
                XCTAssertGreaterThanOrEqual(first, 0)
                XCTAssertLessThanOrEqual(first + taps, inSize)
                XCTAssertLessThanOrEqual(taps, c.ksize)
                let sum = c.weights[(i * c.ksize)..<(i * c.ksize + c.ksize)].reduce(0) { $0 + Int($1) }
                XCTAssertLessThanOrEqual(abs(sum - (1 << 22)), c.ksize, "\(inSize)->\(outSize) row \(i)")
            }
        }
    }

    func testDegenerateSizesGiveEmptyImage() throws {
        let source = try noiseSource()
        XCTAssertEqual(PillowResize.resize(source, width: 0, height: 5).pixels.count, 0)
        XCTAssertEqual(PillowResize.resize(source, width: -3, height: 5).width, 0)
    }
}
