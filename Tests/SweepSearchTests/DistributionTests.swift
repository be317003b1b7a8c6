import Foundation
@testable import SweepSearch
import XCTest

final class DistributionTests: XCTestCase {
    func testProblemsOfBadDistributions() {
        XCTAssertNil(Distribution.uniform(low: 0, high: 1).problem)
        XCTAssertEqual(Distribution.uniform(low: 1, high: 1).problem, "needs low < high, got [1, 1]")
        XCTAssertEqual(Distribution.logUniform(low: 0, high: 1).problem, "log_uniform needs low > 0, got 0")
        XCTAssertEqual(Distribution.logUniform(low: -1, high: 1).problem, "log_uniform needs low > 0, got -1")
        XCTAssertEqual(Distribution.int(low: 0, high: 10, step: 3).problem,
                       "high - low (10) is not a multiple of the step 3; use high 9 or 12")
        XCTAssertEqual(Distribution.int(low: 0, high: 10, step: 0).problem, "step must be an integer >= 1, got 0")
        XCTAssertEqual(Distribution.int(low: 3, high: 1, step: 1).problem, "needs low < high, got [3, 1]")
        XCTAssertEqual(Distribution.logInt(low: 0, high: 8).problem, "log_int needs low >= 1, got 0")
        XCTAssertEqual(Distribution.uniform(low: 0, high: .infinity).problem, "bounds must be finite numbers")
        XCTAssertEqual(Distribution.choice(count: 0).problem, "give at least one value")
    }

    func testFiniteValuesAndContains() {
        XCTAssertEqual(Distribution.int(low: 16, high: 64, step: 16).finiteValues, [16, 32, 48, 64])
        XCTAssertEqual(Distribution.logInt(low: 1, high: 4).finiteValues, [1, 2, 3, 4])
        XCTAssertNil(Distribution.logUniform(low: 1e-3, high: 1).finiteValues)
        XCTAssertTrue(Distribution.int(low: 16, high: 64, step: 16).contains(48))
        XCTAssertFalse(Distribution.int(low: 16, high: 64, step: 16).contains(40))
        XCTAssertFalse(Distribution.choice(count: 3).contains(3))
        XCTAssertFalse(Distribution.uniform(low: 0, high: 1).contains(.nan))
    }

    func testGridSamplerKeepsGridOrder() throws {
        let space = SearchSpace([SearchDimension(name: "a", distribution: .choice(count: 2)),
                                 SearchDimension(name: "b", distribution: .int(low: 0, high: 2, step: 1))])
        let grid = try XCTUnwrap(GridSampler(space))
        XCTAssertEqual(grid.count, 6)
        XCTAssertEqual((0..<6).map { grid.suggest(index: $0) },
                       [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]])  // first slowest, as GridExpansion
        XCTAssertNil(GridSampler(SearchSpace([SearchDimension(name: "lr", distribution: .logUniform(low: 1e-4, high: 1))])))
    }

    func testTruncatedNormalPieces() {
        XCTAssertEqual(TruncatedNormal.quantile(0.975), 1.959963984540054, accuracy: 1e-14)
        XCTAssertEqual(TruncatedNormal.quantile(1e-10), -6.361340902404056, accuracy: 1e-11)
        XCTAssertEqual(TruncatedNormal.quantile(1 - 1e-10), 6.361340902404056, accuracy: 1e-5)
        XCTAssertEqual(TruncatedNormal.logMass(-1, 1), -0.38171514630212616, accuracy: 1e-13)  // scipy
        XCTAssertEqual(TruncatedNormal.logMass(8, 9), -35.01361859343716, accuracy: 1e-9)
        // sampling by inversion: the quantile q lands where the truncated CDF is q
        for (a, b) in [(-1.0, 2.0), (-40.0, 0.5), (0.2, 30.0), (-0.01, 0.01)] {
            for q in [0.0, 0.1, 0.5, 0.9, 0.999] {
                let x = TruncatedNormal.sample(a: a, b: b, q: q)
                XCTAssertGreaterThanOrEqual(x, a)
                XCTAssertLessThanOrEqual(x, b)
                let cdf = (TruncatedNormal.cdf(x) - TruncatedNormal.cdf(a)) / (TruncatedNormal.cdf(b) - TruncatedNormal.cdf(a))
                XCTAssertEqual(cdf, q, accuracy: 1e-9, "a \(a) b \(b) q \(q)")
            }
        }
    }
}
