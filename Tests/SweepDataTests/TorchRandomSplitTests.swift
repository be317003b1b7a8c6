import XCTest
@testable import SweepData

/// Checks against what PyTorch returned (Tests/Fixtures/make_split_fixtures.py, torch 2.15).
final class TorchRandomSplitTests: XCTestCase {
    struct Fixture: Decodable {
        struct Split: Decodable {
            var n: Int, fraction: Double, seed: UInt64, train: [Int], validation: [Int]
        }
        /// The split of the pos_weight case (its weights are checked in SweepTrainTests).
        struct PosWeight: Decodable {
            var n: Int, fraction: Double, seed: UInt64, train: [Int]
        }
        var torch: String
        var splits: [Split]
        var pos_weight: PosWeight
    }

    func fixture() throws -> Fixture {
        let url = fixturesURL.appendingPathComponent("data/torch_random_split.json")
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    func testRandomSplitEqualsTorch() throws {
        let f = try fixture()
        XCTAssertGreaterThanOrEqual(f.splits.count, 8)
        for case_ in f.splits {
            let (train, validation) = TorchRandomSplit.split(count: case_.n, validationFraction: case_.fraction, seed: case_.seed)
            XCTAssertEqual(train, case_.train, "n \(case_.n) f \(case_.fraction) seed \(case_.seed)")
            XCTAssertEqual(validation, case_.validation, "n \(case_.n) f \(case_.fraction) seed \(case_.seed)")
        }
        // The notebook's split: 1400 / 600.
        let notebook = try XCTUnwrap(f.splits.first { $0.n == 2000 && $0.fraction == 0.3 && $0.seed == 0 })
        XCTAssertEqual(notebook.train.count, 1400)
        XCTAssertEqual(notebook.validation.count, 600)
        // The split SweepTrainTests' pos_weight check takes from the fixture.
        let p = f.pos_weight
        XCTAssertEqual(TorchRandomSplit.split(count: p.n, validationFraction: p.fraction, seed: p.seed).train, p.train)
    }

    func testMersenneTwisterMatchesTheCxxStandard() {
        // C++ [rand.predef]: the 10000th output of a default-constructed std::mt19937 (seed 5489).
        var mt = MersenneTwister19937(seed: 5489)
        for _ in 1..<10000 { _ = mt.next() }
        XCTAssertEqual(mt.next(), 4_123_659_995)
    }

    func testValidationCountTruncatesLikePython() {
        XCTAssertEqual(TorchRandomSplit.validationCount(2000, 0.3), 600)
        XCTAssertEqual(TorchRandomSplit.validationCount(10, 0.3), 3)
        XCTAssertEqual(TorchRandomSplit.validationCount(7, 0.5), 3)
        XCTAssertEqual(TorchRandomSplit.validationCount(3, 0.7), 2)  // 2.0999999999999996 in Python
    }
}
