import Foundation
import SweepData
import SweepRunner
import XCTest

/// `.npy` files: those numpy wrote read back exactly, ours read back, and a checkpoint's
/// validation scores round-trip.
final class NPYTests: XCTestCase {
    struct Values: Decodable { var f4: [Double]; var f8: [Double]; var i8: [Double] }
    struct Fixture: Decodable { var npy: Values }

    func testFilesWrittenByNumpyAreReadExactly() throws {
        let dir = ChosenModelTests.fixtures
        let expected = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: dir.appendingPathComponent("chosen.json"))).npy
        let f4 = try NPY.read(Data(contentsOf: dir.appendingPathComponent("f4.npy")))
        XCTAssertEqual(f4.shape, [2, 3])
        XCTAssertEqual(f4.dtype, .float32)
        XCTAssertEqual(f4.values, expected.f4)
        let f8 = try NPY.read(Data(contentsOf: dir.appendingPathComponent("f8.npy")))
        XCTAssertEqual(f8.shape, [2, 2])
        XCTAssertEqual(f8.values, expected.f8)
        let i8 = try NPY.read(Data(contentsOf: dir.appendingPathComponent("i8.npy")))
        XCTAssertEqual(i8.shape, [5])
        XCTAssertEqual(i8.dtype, .int64)
        XCTAssertEqual(i8.values, expected.i8)
    }

    func testOurFilesHaveNumpysHeaderLayoutAndReadBack() throws {
        let values = [0.1, -2.0, .pi, 1e-300, 7, 8]
        let data = NPY.file(values, shape: [3, 2])
        XCTAssertEqual(data.prefix(6), Data([0x93]) + Data("NUMPY".utf8))
        let headerLength = Int(data[8]) | Int(data[9]) << 8
        XCTAssertEqual((10 + headerLength) % 64, 0, "data start on a 64-byte boundary")
        XCTAssertEqual(data.count, 10 + headerLength + 6 * 8)
        XCTAssertEqual(try NPY.read(data).values, values)
        XCTAssertEqual(try NPY.read(NPY.file([3, -1, 1 << 40], shape: [3])).values, [3, -1, Double(1 << 40)])
        XCTAssertEqual(NPY.header(rows: 2, columns: 2048).count % 64, 0)
    }

    func testBadFilesAreRefused() {
        XCTAssertThrowsError(try NPY.read(Data("not numpy".utf8)))
        var truncated = NPY.file([1, 2, 3], shape: [3])
        truncated.removeLast()
        XCTAssertThrowsError(try NPY.read(truncated))
    }

    func testValidationScoresRoundTripThroughACheckpointFolder() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("npy-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        XCTAssertNil(try ValidationScores.read(from: dir), "a folder without scores (older heads) has none")
        let scores = ValidationScores(rows: [7, 2, 5], classes: 2, scores: [0.1, 0.9, 0.5, 0.5, 1e-9, 1 - 1e-12])
        try scores.write(into: dir)
        XCTAssertEqual(try ValidationScores.read(from: dir), scores)
        try Data(NPY.file([1.0, 2.0], shape: [2])).write(to: URL(fileURLWithPath: dir + "/" + ValidationScores.rowsFile))
        XCTAssertThrowsError(try ValidationScores.read(from: dir), "rows that do not match the scores")
    }
}
