import Foundation
import XCTest
@testable import SweepVision

/// Every bad file becomes an `ImageError` naming the file: never a crash, never exit().
final class BadInputTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-vision-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func write(_ bytes: [UInt8], _ name: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    /// Decoding `path` fails with `kind`, and so do both `Preprocessing` entry points;
    /// every message names the file.
    func assertFails(_ path: String, _ kind: ImageError.Kind, file: StaticString = #filePath, line: UInt = #line) {
        var errors = [ImageError]()
        do { _ = try ImageDecoder.decode(fileAt: path); XCTFail("decoded \(path)", file: file, line: line) }
        catch { errors.append(error) }
        do { _ = try Preprocessing.imagenet(path); XCTFail("preprocessed \(path)", file: file, line: line) }
        catch { errors.append(error) }
        var slot = [Float](repeating: 0, count: Preprocessing.imagenet.valuesPerImage)
        do {
            try slot.withUnsafeMutableBufferPointer { (b) throws(ImageError) in
                guard let base = b.baseAddress else { return }
                try Preprocessing.imagenet.load(path, into: base)
            }
            XCTFail("loaded \(path)", file: file, line: line)
        } catch { errors.append(error) }
        for error in errors {
            XCTAssertEqual(error.kind, kind, "\(error)", file: file, line: line)
            XCTAssertEqual(error.path, path, file: file, line: line)
            XCTAssertTrue(error.description.hasPrefix(path + ": "), error.description, file: file, line: line)
            XCTAssertGreaterThan(error.reason.count, 5, file: file, line: line)
        }
    }

    func testTruncatedJPEGs() throws {
        for name in ["rgb_517x343_420", "progressive_500x375", "gray_401x299", "cmyk_180x130"] {
            let bytes = [UInt8](try Data(contentsOf: Fixtures.directory.appendingPathComponent(name + ".jpg")))
            // Mid-scan, just after the headers, and only the end-of-image marker missing.
            for keep in [bytes.count / 2, bytes.count / 5, bytes.count - 2] {
                let path = try write(Array(bytes[0..<keep]), "\(name)-\(keep).jpg")
                assertFails(path, .truncated)
            }
        }
        let whole = [UInt8](try Data(contentsOf: Fixtures.directory.appendingPathComponent("rgb_517x343_420.jpg")))
        let headerOnly = try write(Array(whole[0..<200]), "header-only.jpg")
        assertFails(headerOnly, .truncated)
    }

    func testTextFileNamedJPG() throws {
        let path = try write(Array("this is not an image\n".utf8), "notes.jpg")
        assertFails(path, .notJPEG)
    }

    func testEmptyFile() throws {
        assertFails(try write([], "empty.jpg"), .empty)
    }

    func testMissingFile() throws {
        let path = directory.appendingPathComponent("no-such-image.jpg").path
        assertFails(path, .unreadable)
        do { _ = try ImageDecoder.decode(fileAt: path) } catch {
            XCTAssertTrue(error.reason.contains("No such file"), error.reason)
        }
    }

    func testDirectoryNamedJPG() throws {
        let url = directory.appendingPathComponent("folder.jpg")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        assertFails(url.path, .unreadable)
    }

    func testCorruptHeader() throws {
        var bytes = [UInt8](try Data(contentsOf: Fixtures.directory.appendingPathComponent("rgb_97x211_small.jpg")))
        // Keep the SOI marker, overwrite everything after it with a marker-free pattern.
        for i in 2..<min(bytes.count, 400) { bytes[i] = UInt8(truncatingIfNeeded: i * 37) | 1 }
        let path = try write(bytes, "scrambled.jpg")
        do { _ = try ImageDecoder.decode(fileAt: path); XCTFail("decoded a scrambled file") } catch {
            XCTAssertEqual(error.path, path)
            XCTAssertTrue([.corrupt, .truncated].contains(error.kind), "\(error)")
        }
    }

    func testInMemoryBytesAreNamed() {
        do { _ = try ImageDecoder.decode(bytes: [0xFF, 0xD8, 0xFF], name: "upload #3"); XCTFail("decoded 3 bytes") } catch {
            XCTAssertTrue(error.description.hasPrefix("upload #3: "), error.description)
        }
    }
}
