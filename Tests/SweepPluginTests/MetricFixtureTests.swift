import SweepPluginAPI
import SweepStandardPlugins
import XCTest

/// Every built-in metric against scikit-learn on the committed fixtures, within 1e-9.
final class MetricFixtureTests: XCTestCase {
    func testMetricsMatchScikitLearn() throws {
        let cases = try Fixtures.load("metrics.json", as: [MetricCase].self)
        let catalog = try PluginCatalog(StandardPlugins.all)
        XCTAssertGreaterThanOrEqual(cases.count, 5)
        for c in cases {
            // The fixtures cover every built-in metric, and nothing else.
            XCTAssertEqual(Set(c.expected.keys), Set(catalog.metricNames), c.name)
            let input = MetricInput(scores: c.scores, targets: c.targets, rows: c.rows, columns: c.columns,
                                    threshold: c.threshold)
            for (name, reference) in c.expected.sorted(by: { $0.key < $1.key }) {
                let metric = try catalog.metric(named: name).init(parameters: PluginParameters())
                let got = metric.evaluate(input)
                if let r = reference {
                    XCTAssertEqual(got, r, accuracy: 1e-9, "\(name) on \(c.name)")
                } else {
                    XCTAssertTrue(got.isNaN, "\(name) on \(c.name): sklearn has no value, got \(got)")
                }
            }
        }
    }

    /// The fixtures include the cases the brief asks for (so a regenerated file cannot drop them).
    func testFixturesCoverTiesSingleLabelAndUndefinedRows() throws {
        let names = Set(try Fixtures.load("metrics.json", as: [MetricCase].self).map(\.name))
        XCTAssertTrue(names.isSuperset(of: ["random", "ties", "single_label", "no_positive"]))
    }
}
