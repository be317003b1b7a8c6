import SweepPluginAPI
import SweepStandardPlugins
import XCTest

/// Metrics at one threshold per class (`ClassThresholds`), against naive loops.
final class ClassThresholdsTests: XCTestCase {
    let rows = 40, classes = 4
    let thresholds = [0.3, 0.5, 0.65, 0.8]

    /// (rows, classes) seeded scores and targets with a positive and a negative in every row.
    func data() -> (scores: [Double], targets: [UInt8]) {
        var state: UInt64 = 0x9e37_79b9_7f4a_7c15
        func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        var scores: [Double] = [], targets: [UInt8] = []
        for r in 0..<rows {
            for c in 0..<classes {
                scores.append(next())
                let u = next()
                targets.append(c == r % classes || (c != (r + 1) % classes && u < 0.3) ? 1 : 0)
            }
        }
        return (scores, targets)
    }

    /// Sample F1 with class c predicted when its score is > thresholds[c], written out.
    func testSampleF1EqualsANaiveLoop() throws {
        let (scores, targets) = data()
        var total = 0.0
        for r in 0..<rows {
            var tp = 0, fp = 0, fn = 0
            for c in 0..<classes {
                let p = scores[r * classes + c] > thresholds[c], t = targets[r * classes + c] == 1
                if p && t { tp += 1 } else if p { fp += 1 } else if t { fn += 1 }
            }
            total += 2 * tp + fp + fn == 0 ? 0 : Double(2 * tp) / Double(2 * tp + fp + fn)
        }
        let metric = try PluginCatalog(StandardPlugins.all).metric(named: "f1_samples").init(parameters: PluginParameters())
        let input = MetricInput(scores: scores, targets: targets, rows: rows, columns: classes)
        let got = ClassThresholds.evaluate(metric, input, thresholds: thresholds)
        XCTAssertEqual(got, total / Double(rows), accuracy: 1e-12)
        XCTAssertNotEqual(got, metric.evaluate(input), "the per-class thresholds change the value here")
    }

    /// Every built-in metric: a metric of the 0/1 predictions equals its value on scores that
    /// are only those predictions (0.9 or 0.1 by the per-class rule), a rank metric its value on
    /// the scores as they are; equal thresholds give the metric at that one threshold.
    func testEveryBuiltInMetric() throws {
        let (scores, targets) = data()
        let catalog = try PluginCatalog(StandardPlugins.all)
        let input = MetricInput(scores: scores, targets: targets, rows: rows, columns: classes)
        let predicted = scores.enumerated().map { i, s in s > thresholds[i % classes] ? 0.9 : 0.1 }
        let binary = MetricInput(scores: predicted, targets: targets, rows: rows, columns: classes)
        var kinds: [Bool] = []
        for name in catalog.metricNames {
            let metric = try catalog.metric(named: name).init(parameters: PluginParameters())
            let got = ClassThresholds.evaluate(metric, input, thresholds: thresholds)
            let isThresholdMetric = ClassThresholds.dependsOnThreshold(metric, input)
            kinds.append(isThresholdMetric)
            let want = isThresholdMetric ? metric.evaluate(binary) : metric.evaluate(input)
            XCTAssertEqual(got, want, accuracy: 1e-12, name)
            var at = input
            at.threshold = 0.65
            XCTAssertEqual(ClassThresholds.evaluate(metric, input, thresholds: Array(repeating: 0.65, count: classes)),
                           metric.evaluate(at), accuracy: 1e-12, "\(name): one threshold for all")
        }
        XCTAssertTrue(kinds.contains(true) && kinds.contains(false), "both kinds are covered")
        XCTAssertTrue(try ClassThresholds.dependsOnThreshold(catalog.metric(named: "f1_samples").init(parameters: PluginParameters()), input))
        XCTAssertFalse(try ClassThresholds.dependsOnThreshold(catalog.metric(named: "roc_auc_samples").init(parameters: PluginParameters()), input))
    }
}
