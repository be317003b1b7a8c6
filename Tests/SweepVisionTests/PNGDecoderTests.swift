import Foundation
import XCTest
@testable import SweepVision

/// PNG input (issue 13): every colour type and bit depth decodes to exactly the RGB pixels of
/// Pillow 13's `Image.open(f).convert("RGB")` (fixtures by Tests/Fixtures/make_png_fixtures.py),
/// and broken PNGs are errors naming the file.
final class PNGDecoderTests: XCTestCase {
    func names() throws -> [String] {
        let text = try String(contentsOfFile: Fixtures.path("png_manifest.txt"), encoding: .utf8)
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { $0.split(separator: " ").first.map(String.init) }
    }

    func testEveryKindOfPNGDecodesAsPillowConvertsIt() throws {
        let names = try names()
        XCTAssertGreaterThanOrEqual(names.count, 22, "palette, gray 1-16 bit, gray+alpha, RGB(A) 8/16, tRNS, interlaced")
        for name in names {
            let image = try ImageDecoder.decode(fileAt: Fixtures.path("png_\(name).png"))
            let expected = try Fixtures.uint8Array("png_\(name).rgb.npy")
            XCTAssertEqual([image.height, image.width, 3], expected.shape, name)
            let d = byteDifference(image.pixels, expected.values)
            XCTAssertEqual(d.max, 0, "\(name): \(d.count) values differ, by up to \(d.max)")
        }
    }

    /// The format is told by the bytes, not the name.
    func testAPNGNamedJPGIsStillAPNG() throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Fixtures.path("png_rgb8.png"))))
        let image = try ImageDecoder.decode(bytes: bytes, name: "photo.jpg")
        XCTAssertEqual(image.width, 11)
    }

    func testBrokenPNGsAreErrorsNamingTheFile() throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Fixtures.path("png_rgb8.png"))))
        func fails(_ data: [UInt8], _ kind: ImageError.Kind, file: StaticString = #filePath, line: UInt = #line) {
            do {
                _ = try ImageDecoder.decode(bytes: data, name: "bad.png")
                XCTFail("decoded", file: file, line: line)
            } catch {
                XCTAssertEqual(error.kind, kind, "\(error)", file: file, line: line)
                XCTAssertTrue(error.description.hasPrefix("bad.png: "), error.description, file: file, line: line)
            }
        }
        fails(Array(bytes.prefix(bytes.count / 2)), .truncated)
        fails(Array(bytes.prefix(12)), .truncated)
        var crc = bytes
        crc[29] ^= 0xFF  // inside IHDR's CRC
        fails(crc, .corrupt)
        var data = bytes
        if let idat = (0..<(data.count - 4)).first(where: { data[$0..<($0 + 4)] == [0x49, 0x44, 0x41, 0x54] }) {
            data[idat + 6] ^= 0x55  // the compressed stream itself
        }
        fails(data, .corrupt)
    }
}
