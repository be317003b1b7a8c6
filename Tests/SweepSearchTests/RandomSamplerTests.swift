import Foundation
@testable import SweepSearch
import XCTest

final class RandomSamplerTests: XCTestCase {
    let space = SearchSpace([
        SearchDimension(name: "lr", distribution: .logUniform(low: 1e-5, high: 1e-1)),
        SearchDimension(name: "dropout", distribution: .uniform(low: 0, high: 0.9)),
        SearchDimension(name: "depth", distribution: .int(low: 0, high: 3, step: 1)),
        SearchDimension(name: "batch", distribution: .int(low: 16, high: 256, step: 16)),
        SearchDimension(name: "width", distribution: .logInt(low: 1, high: 8)),
        SearchDimension(name: "optimizer", distribution: .choice(count: 3)),
    ])

    func points(seed: Int, count: Int) -> [[Double]] {
        let sampler = RandomSampler(space: space, seed: seed)
        return (0..<count).map { sampler.suggest(index: $0) }
    }

    func testValuesInsideTheirDistributions() {
        for p in points(seed: 1, count: 3000) { XCTAssertTrue(space.contains(p), "\(p)") }
    }

    /// KS test at a fixed seed: log(lr) uniform on [log 1e-5, log 1e-1] (D < 1.63/√n, the 1% level),
    /// and lr itself far from uniform on [1e-5, 1e-1]; dropout uniform.
    func testLogUniformIsUniformInLogSpace() {
        let ps = points(seed: 7, count: 4000)
        let logs = ps.map { (log($0[0]) - log(1e-5)) / (log(1e-1) - log(1e-5)) }
        let bound = 1.63 / Double(ps.count).squareRoot()
        XCTAssertLessThan(ksUniform(logs), bound)
        XCTAssertGreaterThan(ksUniform(ps.map { ($0[0] - 1e-5) / (1e-1 - 1e-5) }), 0.5)
        XCTAssertLessThan(ksUniform(ps.map { $0[1] / 0.9 }), bound)
        // the median of a log-uniform is the geometric mean of its bounds
        let median = ps.map { $0[0] }.sorted()[ps.count / 2]
        XCTAssertEqual(log10(median), -3, accuracy: 0.1)
    }

    /// Chi-square against the expected frequencies (df 3, 15 and 7; thresholds at the 0.1% level).
    func testIntegersAndChoicesHaveTheirFrequencies() {
        let ps = points(seed: 3, count: 6000)
        func chi2(_ column: Int, _ values: [Double], _ expected: [Double]) -> Double {
            values.enumerated().reduce(0) { sum, item in
                let observed = Double(ps.filter { $0[column] == item.element }.count)
                let e = expected[item.offset] * Double(ps.count)
                return sum + (observed - e) * (observed - e) / e
            }
        }
        XCTAssertLessThan(chi2(2, [0, 1, 2, 3], [Double](repeating: 0.25, count: 4)), 16.27)
        XCTAssertLessThan(chi2(3, (1...16).map { Double($0 * 16) }, [Double](repeating: 1 / 16.0, count: 16)), 37.70)
        // log_int [1, 8]: k has the log-width of [k - 0.5, k + 0.5] in [0.5, 8.5]
        let widths = (1...8).map { log((Double($0) + 0.5) / (Double($0) - 0.5)) / log(8.5 / 0.5) }
        XCTAssertLessThan(chi2(4, (1...8).map(Double.init), widths), 24.32)
        XCTAssertLessThan(chi2(5, [0, 1, 2], [1 / 3.0, 1 / 3.0, 1 / 3.0]), 13.82)
    }

    func testReproduciblePerSeedAndIndexOnly() {
        XCTAssertEqual(points(seed: 5, count: 50), points(seed: 5, count: 50))
        XCTAssertNotEqual(points(seed: 5, count: 50), points(seed: 6, count: 50))
        // trial 30's point does not depend on the trials before it: a resumed search goes on
        let sampler = RandomSampler(space: space, seed: 5)
        let history = points(seed: 9, count: 12).map { Observation(point: $0, state: .complete(1)) }
        XCTAssertEqual(sampler.suggest(index: 30, history: history), points(seed: 5, count: 31)[30])
        XCTAssertEqual(Set(points(seed: 5, count: 200).map { $0.map(\.description).joined() }).count, 200)
    }
}
