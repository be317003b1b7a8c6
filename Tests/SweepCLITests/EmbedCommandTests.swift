import Foundation
import SweepModels
import SweepTensor
import XCTest

/// `sweep embed` end to end: a bad image is reported (one `error: …` line naming the file) and
/// skipped while the others are written, with exit status 1 at the end; bad weight files give
/// exit status 1 and one line naming the file and key, never a crash or a hang; a good run's
/// .npy has the NumPy header and shape N x 2048 float32, equal to the CSV output.
final class EmbedCommandTests: CLITestCase {
    /// Fails unless `outcome` is exit status 1 with one `error: …` line containing `names`,
    /// and no output file (or partial one) was left.
    func assertRefused(_ outcome: Outcome, naming names: [String], _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(outcome.signaled, "\(what): \(outcome.statusText)", file: file, line: line)
        XCTAssertEqual(outcome.status, 1, "\(what): \(outcome.stderr)", file: file, line: line)
        XCTAssertEqual(outcome.stderrLines.count, 1, "\(what): one line, got:\n\(outcome.stderr)", file: file, line: line)
        let message = outcome.stderrLines.first ?? ""
        XCTAssertTrue(message.hasPrefix("error: "), "\(what): \(message)", file: file, line: line)
        for name in names {
            XCTAssertTrue(message.contains(name), "\(what): '\(name)' not named: \(message)", file: file, line: line)
        }
        let left = ((try? FileManager.default.contentsOfDirectory(atPath: work.path)) ?? []).filter { $0.hasPrefix("out.npy") }
        XCTAssertEqual(left, [], "\(what): output left behind", file: file, line: line)
    }

    /// The shape in a .npy header.
    func npyShape(_ name: String) throws -> String {
        let bytes = [UInt8](try Data(contentsOf: work.appendingPathComponent(name)))
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        let header = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self)
        XCTAssertEqual((10 + headerLength) % 64, 0)
        let shape = header.range(of: #"\(\d+, \d+\)"#, options: .regularExpression).map { String(header[$0]) } ?? ""
        let rows = Int(shape.dropFirst().prefix { $0.isNumber }) ?? -1
        XCTAssertEqual(bytes.count, 10 + headerLength + rows * 2048 * 4, "file size matches the shape \(shape)")
        return shape
    }

    func testBadImagesAreReportedAndSkippedAndTheOthersWritten() throws {
        let good = dataSet.images[0]
        let jpeg = try Data(contentsOf: URL(fileURLWithPath: good))
        try jpeg.prefix(jpeg.count / 2).write(to: work.appendingPathComponent("truncated.jpg"))
        try Data("this is a text file, not a JPEG\n".utf8).write(to: work.appendingPathComponent("text.jpg"))
        try Data().write(to: work.appendingPathComponent("empty.jpg"))
        let bad = [("truncated JPEG", "truncated.jpg"), ("text file named .jpg", "text.jpg"),
                   ("empty file", "empty.jpg"), ("missing file", "missing.jpg")]
        for (what, name) in bad {
            // The bad image sits between two good ones: both good ones are written, in order.
            let outcome = try run(["embed", "--weights", "random", "--out", "out.npy", good, name, dataSet.images[1]], timeout: 120)
            XCTAssertEqual(outcome.status, 1, "\(what): \(outcome.stderr)")
            XCTAssertEqual(outcome.stderrLines.count, 2, "\(what): the bad file and the summary:\n\(outcome.stderr)")
            XCTAssertTrue(outcome.stderrLines.first?.hasPrefix("error: \(name): ") ?? false, "\(what): \(outcome.stderr)")
            XCTAssertTrue(outcome.stderrLines.last?.contains("1 of 3 image(s) could not be read") ?? false, outcome.stderr)
            XCTAssertEqual(try npyShape("out.npy"), "(2, 2048)", what)
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: work.path).filter { $0.hasPrefix("out.npy.") }, [],
                           "\(what): partial file left")
            try FileManager.default.removeItem(at: work.appendingPathComponent("out.npy"))
        }
        let csv = try run(["embed", "--weights", "random", "truncated.jpg"], timeout: 120)
        XCTAssertEqual(csv.status, 1, csv.stderr)
        XCTAssertTrue(csv.stderr.contains("error: truncated.jpg: "), csv.stderr)
        XCTAssertEqual(try CSV.records(csv.stdout).count, 1, "the header and no row: \(csv.stdout.prefix(200))")
    }

    func testWeightFilesWithAMissingKeyOrAWrongShapeExitWithStatusOneNamingFileAndKey() throws {
        var weights = RandomInit.resnet50(seed: 1)
        let image = dataSet.images[1]
        // The complete file works, and gives the features of `random:1` (the same weights).
        try PthWriter.write(weights, to: work.appendingPathComponent("complete.pth").path)
        let fromFile = try run(["embed", "--weights", "complete.pth", image], timeout: 300)
        assertExit(fromFile, 0, "embed with the complete .pth")
        let fromSeed = try run(["embed", "--weights", "random:1", image], timeout: 300)
        assertExit(fromSeed, 0, "embed with random:1")
        XCTAssertEqual(fromFile.stdout, fromSeed.stdout, "the written .pth does not hold random:1's weights")
        XCTAssertFalse(fromFile.stdout.isEmpty)
        try FileManager.default.removeItem(at: work.appendingPathComponent("complete.pth"))

        let removed = "layer2.0.conv1.weight"
        let original = try XCTUnwrap(weights.removeValue(forKey: removed))
        try PthWriter.write(weights, to: work.appendingPathComponent("missing-key.pth").path)
        let missing = try run(["embed", "--weights", "missing-key.pth", "--out", "out.npy", image], timeout: 300)
        assertRefused(missing, naming: ["missing-key.pth", removed], "a .pth without \(removed)")
        try FileManager.default.removeItem(at: work.appendingPathComponent("missing-key.pth"))

        weights[removed] = original
        let reshaped = "layer1.0.conv2.weight"  // (64, 64, 3, 3) in ResNet50
        XCTAssertEqual(weights[reshaped]?.shape, [64, 64, 3, 3])
        weights[reshaped] = Tensor(zeros: [64, 64, 1, 1])
        try PthWriter.write(weights, to: work.appendingPathComponent("wrong-shape.pth").path)
        let wrong = try run(["embed", "--weights", "wrong-shape.pth", "--out", "out.npy", image], timeout: 300)
        assertRefused(wrong, naming: ["wrong-shape.pth", reshaped], "a .pth with \(reshaped) reshaped")

        // Not a zip at all, and an empty file.
        try Data("not a zip".utf8).write(to: work.appendingPathComponent("text.pth"))
        assertRefused(try run(["embed", "--weights", "text.pth", image], timeout: 120), naming: ["text.pth"], "a text .pth")
        try Data().write(to: work.appendingPathComponent("empty.pth"))
        assertRefused(try run(["embed", "--weights", "empty.pth", image], timeout: 120), naming: ["empty.pth"], "an empty .pth")
    }

    func testNpyOutputHasTheNumPyHeaderAndShapeAndEqualsTheCSV() throws {
        let images = Array(dataSet.images.prefix(3))
        let npy = try run(["embed", "--weights", "random", "--out", "features.npy"] + images, timeout: 300)
        assertExit(npy, 0, "embed --out features.npy")
        let bytes = [UInt8](try Data(contentsOf: work.appendingPathComponent("features.npy")))
        XCTAssertGreaterThan(bytes.count, 10)
        XCTAssertEqual(Array(bytes.prefix(8)), [0x93] + Array("NUMPY".utf8) + [1, 0], "magic and version 1.0")
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        XCTAssertEqual((10 + headerLength) % 64, 0, "data starts 64-byte aligned")
        let header = String(decoding: bytes[10..<min(bytes.count, 10 + headerLength)], as: UTF8.self)
        XCTAssertTrue(header.contains("'descr': '<f4'"), header)
        XCTAssertTrue(header.contains("'fortran_order': False"), header)
        XCTAssertTrue(header.contains("'shape': (\(images.count), 2048)"), header)
        XCTAssertTrue(header.hasSuffix("\n"), header)
        XCTAssertEqual(bytes.count, 10 + headerLength + images.count * 2048 * 4, "file size")
        let values: [Float] = stride(from: 10 + headerLength, to: bytes.count - 3, by: 4).map { i in
            Float(bitPattern: UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24)
        }
        XCTAssertTrue(values.allSatisfy(\.isFinite))
        XCTAssertNotEqual(values[0..<2048], values[2048..<4096], "two images, the same features")

        let csv = try run(["embed", "--weights", "random"] + images, timeout: 300)
        assertExit(csv, 0, "embed to stdout")
        let table = try CSV.records(csv.stdout)
        XCTAssertEqual(table.first, ["path"] + (0..<2048).map { "f\($0)" })
        let rows = Array(table.dropFirst())
        XCTAssertEqual(rows.count, images.count)
        for (i, row) in rows.enumerated() {
            XCTAssertEqual(row.first, images[i])
            XCTAssertEqual(row.count, 1 + 2048)
            XCTAssertEqual(row.dropFirst().compactMap(Float.init), Array(values[(i * 2048)..<((i + 1) * 2048)]), "row \(i)")
        }
    }
}
