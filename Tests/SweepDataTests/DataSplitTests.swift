import SweepCSV
import XCTest
@testable import SweepData

final class DataSplitTests: XCTestCase {
    func dataset(count n: Int) -> LabelledImages {
        let targets = (0..<(n * 2)).map { UInt8(($0 / 2 + $0 % 2) % 2) }  // alternate the two classes
        return LabelledImages(format: .csv, root: URL(fileURLWithPath: "/data"), labelsFile: URL(fileURLWithPath: "/data/l.csv"),
                              classNames: ["a", "b"], imagePaths: (0..<n).map { "img/\($0), x.jpg" }, targets: targets,
                              isSynthetic: true, origin: "test")
    }

    func testRandomSplitRecordsTorchsIndicesAndTheRecipe() throws {
        let d = dataset(count: 10)
        let split = try DataSplit.make(d, method: .random, validationFraction: 0.3, seed: 0)
        let (train, validation) = TorchRandomSplit.split(count: 10, validationFraction: 0.3, seed: 0)
        XCTAssertEqual(split.trainIndices, train)
        XCTAssertEqual(split.validationIndices, validation)
        XCTAssertEqual(split.trainFiles, train.map { d.imagePaths[$0] })
        XCTAssertTrue(split.recipe.contains("random_split(dataset, [7, 3], generator=torch.Generator().manual_seed(0))"), split.recipe)
        XCTAssertTrue(split.isSynthetic)
    }

    func testJSONRoundTripAndCSV() throws {
        let split = try DataSplit.make(dataset(count: 6), method: .iterativeStratification, validationFraction: 0.5, seed: 3)
        let back = try DataSplit.read(json: split.json())
        XCTAssertEqual(back, split)
        let json = try XCTUnwrap(String(data: try split.json(), encoding: .utf8))
        XCTAssertTrue(json.contains("\"method\" : \"iterative-stratification\""), json)

        let records = try CSVParser.parse(Array(split.csv().utf8)).get()
        XCTAssertEqual(records.first?.fields, ["index", "filename", "subset"])
        XCTAssertEqual(records.count, 7)
        let rows = records.dropFirst().map { ($0.fields[0], $0.fields[1], $0.fields[2]) }
        XCTAssertEqual(rows.filter { $0.2 == "validation" }.map { Int($0.0) }, split.validationIndices)
        XCTAssertTrue(rows.allSatisfy { $0.1 == "img/\($0.0), x.jpg" })  // comma in a name survives quoting

        let folder = try temporaryFolder(self)
        try split.write(to: folder)
        XCTAssertEqual(try DataSplit.read(json: Data(contentsOf: folder.appendingPathComponent("split.json"))), split)
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("split.csv").path))
    }

    func testImpossibleFractionsAreErrors() {
        let d = dataset(count: 3)
        for f in [0.0, 1.0, -0.2, 0.2] {  // 0.2 of 3 images is 0 validation images
            XCTAssertThrowsError(try DataSplit.make(d, method: .random, validationFraction: f, seed: 0), "f \(f)")
        }
    }
}
