import Foundation
@testable import SweepSearch
import XCTest

/// Our Parzen estimator against Optuna's `_ParzenEstimator` (Tests/Fixtures/make_parzen_fixture.py):
/// the same log densities at 25 points after 0, 1, 2, 3, 30 and 40 observations, within 1e-9.
final class ParzenFixtureTests: XCTestCase {
    struct Reference: Decodable {
        struct Case: Decodable { var n: Int; var log_pdf: [Double] }
        var observations: [[Double]]
        var queries: [[Double]]
        var cases: [Case]
    }

    static let space = SearchSpace([
        SearchDimension(name: "x", distribution: .uniform(low: -5, high: 10)),
        SearchDimension(name: "lr", distribution: .logUniform(low: 1e-5, high: 1)),
        SearchDimension(name: "n", distribution: .int(low: 16, high: 256, step: 16)),
        SearchDimension(name: "w", distribution: .logInt(low: 16, high: 1024)),
        SearchDimension(name: "opt", distribution: .choice(count: 3)),
    ])

    func testLogDensitiesMatchOptuna() throws {
        let reference = try SearchFixtures.load("parzen_reference.json", as: Reference.self)
        XCTAssertEqual(reference.cases.map(\.n), [0, 1, 2, 3, 30, 40])
        for c in reference.cases {
            let estimator = ParzenEstimator(observations: Array(reference.observations.prefix(c.n)),
                                            space: Self.space, priorWeight: 1)
            for (query, expected) in zip(reference.queries, c.log_pdf) {
                XCTAssertEqual(estimator.logPDF(query), expected, accuracy: 1e-9, "n \(c.n) at \(query)")
            }
        }
    }

    /// Samples of the estimator stay inside the space, and come from near the observations.
    func testSamplesInsideTheSpace() throws {
        let reference = try SearchFixtures.load("parzen_reference.json", as: Reference.self)
        let estimator = ParzenEstimator(observations: reference.observations, space: Self.space, priorWeight: 1)
        var random = SearchRandom(seed: 1, index: 0)
        for p in estimator.sample(2000, &random) { XCTAssertTrue(Self.space.contains(p), "\(p)") }
    }

    func testWeightsRampAsOptuna() {
        XCTAssertEqual(TPEWeights.weights(3), [1, 1, 1])
        let w = TPEWeights.weights(30)  // numpy: linspace(1/30, 1, 5) + ones(25)
        XCTAssertEqual(w.count, 30)
        for (x, e) in zip(w.prefix(5), [1 / 30.0, 0.275, 0.5166666666666667, 0.7583333333333333, 1.0]) {
            XCTAssertEqual(x, e, accuracy: 1e-12)
        }
        XCTAssertEqual(TPESampler.gamma(9), 1)
        XCTAssertEqual(TPESampler.gamma(10), 1)
        XCTAssertEqual(TPESampler.gamma(11), 2)
        XCTAssertEqual(TPESampler.gamma(1000), 25)
    }
}
