import Foundation
import XCTest
@testable import SweepData

/// The MIML reader on a `.mat` that sweep did not write: `Tests/Fixtures/data/scipy_miml.mat`,
/// written by `scipy.io.savemat(..., do_compression=True)` in MIML's layout
/// (`make_mat_fixture.py`), with what scipy's `loadmat` reads back in `scipy_miml.json`.
final class ScipyMatTests: XCTestCase {
    struct Expected: Decodable {
        var class_names: [String]
        var targets: [[Int]]
        var bags_shape: [Int]
        var bag_shape: [Int]
        var bag0_row0: [Double]
    }

    let mat = fixturesURL.appendingPathComponent("data/scipy_miml.mat")

    func expected() throws -> Expected {
        try JSONDecoder().decode(Expected.self, from: Data(contentsOf: fixturesURL.appendingPathComponent("data/scipy_miml.json")))
    }

    /// A MIML folder around the fixture: the `.mat` as `miml data.mat` and one tiny JPEG per image.
    func folder() throws -> URL {
        let folder = try temporaryFolder(self).appendingPathComponent("miml")
        let images = folder.appendingPathComponent(MIMLReader.imageFolderName)
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: mat, to: folder.appendingPathComponent(MIMLReader.matFileName))
        let jpeg = try tinyJPEG()
        for i in 1...(try expected().targets.first?.count ?? 0) {
            try jpeg.write(to: images.appendingPathComponent("\(i).jpg"))
        }
        return folder
    }

    func testScipyWrittenMatReadsAsScipyReadsIt() throws {
        let e = try expected()
        let d = try DataSets.load(try folder().path)
        XCTAssertEqual(d.format, .miml)
        XCTAssertEqual(d.classNames, e.class_names)
        XCTAssertEqual(d.count, e.targets[0].count)
        XCTAssertFalse(d.isSynthetic, "no SYNTHETIC marker: this is not sweep's generator")
        // targets (5, N) of +1/-1, column j = image j+1, become (N, 5) rows of 0/1
        for i in 0..<d.count {
            XCTAssertEqual(Array(d.labels(i)), (0..<5).map { UInt8(e.targets[$0][i] == 1 ? 1 : 0) }, "image \(i + 1)")
        }
    }

    func testScipyWrittenCellsAndBags() throws {
        let e = try expected()
        let file = try XCTUnwrap(MatFile.open(mat.path))
        let classes = try XCTUnwrap(file.read("class_name")).view
        XCTAssertEqual(classes.dims, [5, 1])
        XCTAssertEqual((0..<5).compactMap { classes.cell($0)?.text() }, e.class_names)
        let bags = try XCTUnwrap(file.read("bags")).view
        XCTAssertEqual(bags.dims, e.bags_shape)
        let bag = try XCTUnwrap(bags.cell(0))
        XCTAssertEqual(bag.dims, e.bag_shape)
        let values = try XCTUnwrap(bag.doubles())          // column-major (9, 15)
        XCTAssertEqual((0..<15).map { values[$0 * 9] }, e.bag0_row0)
    }
}
