import SweepCSV
import XCTest
@testable import SweepData

/// The test split and the folds: disjoint, covering, deterministic, stratified as promised.
final class DataSplitFoldTests: XCTestCase {
    /// n images over 4 classes with unequal frequencies (seeded).
    func dataset(count n: Int, seed: UInt64 = 1) -> LabelledImages {
        var rng = SeededRandom(seed: seed)
        let rates = [0.5, 0.3, 0.15, 0.05]
        var targets: [UInt8] = []
        for _ in 0..<n { for r in rates { targets.append(Double(rng.below(1000)) / 1000 < r ? 1 : 0) } }
        return LabelledImages(format: .csv, root: URL(fileURLWithPath: "/data"), labelsFile: URL(fileURLWithPath: "/data/l.csv"),
                              classNames: ["a", "b", "c", "d"], imagePaths: (0..<n).map { "img/\($0).jpg" }, targets: targets,
                              isSynthetic: true, origin: "test")
    }

    func testFoldsAreDisjointCoveringAndDeterministic() throws {
        let d = dataset(count: 203)
        for method in DataSplit.Method.allCases {
            let split = try DataSplit.make(d, method: method, validationFraction: 0.3, seed: 5, testFraction: 0.2, folds: 5)
            XCTAssertEqual(split.testIndices.count, 40, "int(203 * 0.2)")
            let folds = try XCTUnwrap(split.folds)
            XCTAssertEqual(folds.count, 5)
            let all = folds.flatMap { $0 }
            XCTAssertEqual(all.count, Set(all).count, "\(method): folds are disjoint")
            XCTAssertEqual(Set(all), Set(split.trainIndices), "\(method): folds cover the non-test rows")
            XCTAssertTrue(Set(all).isDisjoint(with: split.testIndices), "\(method): no test row in a fold")
            XCTAssertEqual(Set(all).union(split.testIndices), Set(0..<203))
            XCTAssertTrue(split.validationIndices.isEmpty)
            XCTAssertLessThanOrEqual(folds.map(\.count).max()! - folds.map(\.count).min()!, 1, "\(method): sizes \(folds.map(\.count))")
            // a fold's run: validates on the fold, trains on the others
            let rows = split.rows(fold: 2)
            XCTAssertEqual(rows.validation, folds[2])
            XCTAssertEqual(Set(rows.train), Set(all).subtracting(folds[2]))
            // deterministic, and another seed gives another split
            XCTAssertEqual(try DataSplit.make(d, method: method, validationFraction: 0.3, seed: 5, testFraction: 0.2, folds: 5), split)
            XCTAssertNotEqual(try DataSplit.make(d, method: method, validationFraction: 0.3, seed: 6, testFraction: 0.2, folds: 5).folds, folds)
            XCTAssertEqual(try DataSplit.read(json: split.json()), split)
        }
    }

    /// Iterative stratification keeps each label's share in every fold (and in the test part)
    /// within 1 image of its proportional count; the random split does not promise it.
    func testStratifiedFoldsKeepLabelProportions() throws {
        let d = dataset(count: 400, seed: 3)
        let split = try DataSplit.make(d, method: .iterativeStratification, validationFraction: 0.3, seed: 2,
                                       testFraction: 0.25, folds: 4)
        let c = 4
        func count(_ rows: [Int], _ label: Int) -> Int { rows.filter { d.targets[$0 * c + label] != 0 }.count }
        for label in 0..<c {
            let total = count(Array(0..<400), label)
            let expectedTest = Double(total) * Double(split.testIndices.count) / 400
            XCTAssertLessThanOrEqual(abs(Double(count(split.testIndices, label)) - expectedTest), 1.0, "label \(label) test")
            let rest = count(split.trainIndices, label)
            for (f, fold) in (split.folds ?? []).enumerated() {
                let expected = Double(rest) * Double(fold.count) / Double(split.trainIndices.count)
                XCTAssertLessThanOrEqual(abs(Double(count(fold, label)) - expected), 1.5, "label \(label) fold \(f)")
            }
        }
    }

    /// Without folds, the test rows are carved first and the rest is split as before.
    func testTestSplitThenValidation() throws {
        let d = dataset(count: 50)
        let split = try DataSplit.make(d, method: .random, validationFraction: 0.3, seed: 0, testFraction: 0.2, folds: 0)
        XCTAssertEqual(split.testIndices.count, 10)
        XCTAssertEqual(split.validationIndices.count, 12, "int(40 * 0.3)")
        XCTAssertEqual(split.trainIndices.count, 28)
        XCTAssertEqual(Set(split.testIndices + split.trainIndices + split.validationIndices), Set(0..<50))
        XCTAssertNil(split.folds)
        let records = try CSVParser.parse(Array(split.csv().utf8)).get().dropFirst()
        XCTAssertEqual(records.filter { $0.fields[2] == "test" }.map { Int($0.fields[0]) }, split.testIndices)
        XCTAssertTrue(split.recipe.hasPrefix("test: 10 of the 50 rows"), split.recipe)
        // no test and no folds: exactly the old split
        XCTAssertEqual(try DataSplit.make(d, method: .random, validationFraction: 0.3, seed: 0, testFraction: 0, folds: 0),
                       try DataSplit.make(d, method: .random, validationFraction: 0.3, seed: 0))
        XCTAssertThrowsError(try DataSplit.make(dataset(count: 6), method: .random, validationFraction: 0.3, seed: 0,
                                                testFraction: 0.2, folds: 4), "5 non-test images cannot make 4 folds of 2")
    }
}
