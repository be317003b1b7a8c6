import Foundation
import SweepPluginAPI
import SweepPluginChecks
import XCTest

// Deliberately wrong plugins: the suite must report each with the property it breaks.

/// BCE with a gradient twice too large.
private struct WrongGradientLoss: LossPlugin {
    static let name = "wrong_gradient"
    static let summary = "bce, gradient doubled"
    init(parameters: PluginParameters, context: LossContext) throws {}
    func loss(logits: UnsafeBufferPointer<Float>, targets: UnsafeBufferPointer<Float>,
              rows: Int, columns: Int, gradient: UnsafeMutableBufferPointer<Float>?) -> Double {
        bce(logits, targets, rows * columns, gradient, gradientScale: 2, sum: false)
    }
}

/// BCE summed instead of averaged (its gradient is right for the sum).
private struct SumLoss: LossPlugin {
    static let name = "sum_loss"
    static let summary = "bce, summed"
    init(parameters: PluginParameters, context: LossContext) throws {}
    func loss(logits: UnsafeBufferPointer<Float>, targets: UnsafeBufferPointer<Float>,
              rows: Int, columns: Int, gradient: UnsafeMutableBufferPointer<Float>?) -> Double {
        bce(logits, targets, rows * columns, gradient, gradientScale: 1, sum: true)
    }
}

/// BCE as -log(sigmoid) in Float: infinite for large |logits|.
private struct NaiveLoss: LossPlugin {
    static let name = "naive"
    static let summary = "bce through log(sigmoid) in Float"
    init(parameters: PluginParameters, context: LossContext) throws {}
    func loss(logits: UnsafeBufferPointer<Float>, targets: UnsafeBufferPointer<Float>,
              rows: Int, columns: Int, gradient: UnsafeMutableBufferPointer<Float>?) -> Double {
        let n = rows * columns
        var sum = 0.0
        for i in 0..<n {
            let p = 1 / (1 + exp(-logits[i]))
            sum -= Double(targets[i] * log(p) + (1 - targets[i]) * log(1 - p))
            gradient?[i] = (p - targets[i]) / Float(n)
        }
        return sum / Double(n)
    }
}

/// A correct BCE whose declared example is wrong.
private struct WrongExampleLoss: LossPlugin {
    static let name = "wrong_example"
    static let summary = "bce with a wrong example"
    static let examples = [LossExample(logits: [0], targets: [1], rows: 1, columns: 1, expected: 0.5)]  // ln 2
    init(parameters: PluginParameters, context: LossContext) throws {}
    func loss(logits: UnsafeBufferPointer<Float>, targets: UnsafeBufferPointer<Float>,
              rows: Int, columns: Int, gradient: UnsafeMutableBufferPointer<Float>?) -> Double {
        bce(logits, targets, rows * columns, gradient, gradientScale: 1, sum: false)
    }
}

/// Stable BCE, mean over elements; the knobs break it on purpose.
private func bce(_ x: UnsafeBufferPointer<Float>, _ y: UnsafeBufferPointer<Float>, _ n: Int,
                 _ g: UnsafeMutableBufferPointer<Float>?, gradientScale: Double, sum: Bool) -> Double {
    var total = 0.0
    let scale = sum ? 1 : 1 / Double(n)
    for i in 0..<n {
        let xi = Double(x[i]), yi = Double(y[i])
        total += max(xi, 0) - xi * yi + log1p(exp(-abs(xi)))
        g?[i] = Float((1 / (1 + exp(-xi)) - yi) * scale * gradientScale)
    }
    return total * scale
}

/// A correct BCE with pos_weight = negatives / positives from the context (as the future `bce`):
/// the suite must not report it.
private struct WeightedBCE: LossPlugin {
    static let name = "weighted_bce"
    static let summary = "bce with pos_weight from the training split"
    let weights: [Double]
    init(parameters: PluginParameters, context: LossContext) throws {
        weights = context.positives.map { Double(context.samples - $0) / Double($0) }
    }
    func loss(logits: UnsafeBufferPointer<Float>, targets: UnsafeBufferPointer<Float>,
              rows: Int, columns: Int, gradient: UnsafeMutableBufferPointer<Float>?) -> Double {
        let n = rows * columns
        var sum = 0.0
        for i in 0..<n {
            let x = Double(logits[i]), y = Double(targets[i]), w = weights[i % columns]
            let softplusMinusX = max(-x, 0) + log1p(exp(-abs(x)))
            sum += (1 - y) * x + (1 + (w - 1) * y) * softplusMinusX
            let sigmoidMinusX = x >= 0 ? exp(-x) / (1 + exp(-x)) : 1 / (1 + exp(x))
            gradient?[i] = Float(((1 - y) - (1 + (w - 1) * y) * sigmoidMinusX) / Double(n))
        }
        return sum / Double(n)
    }
}

/// Depends on row order: the first row's first score.
private struct FirstRowMetric: MetricPlugin {
    static let name = "first_row"
    static let summary = "score of the first cell"
    static let higherIsBetter = true
    init(parameters: PluginParameters) throws {}
    func evaluate(_ input: MetricInput) -> Double { input.scores[0] }
}

/// Declares 0...1 but returns the number of positive cells.
private struct OutOfRangeMetric: MetricPlugin {
    static let name = "out_of_range"
    static let summary = "count of positives"
    static let higherIsBetter = true
    static func range(columns: Int) -> ClosedRange<Double> { 0...1 }
    init(parameters: PluginParameters) throws {}
    func evaluate(_ input: MetricInput) -> Double { Double(input.targets.reduce(0) { $0 + Int($1) }) }
}

/// Never defined.
private struct NaNMetric: MetricPlugin {
    static let name = "always_nan"
    static let summary = "NaN"
    static let higherIsBetter = true
    init(parameters: PluginParameters) throws {}
    func evaluate(_ input: MetricInput) -> Double { .nan }
}

/// Its default parameter value is out of its own declared range.
private struct BadDefaultMetric: MetricPlugin {
    static let name = "bad_default"
    static let summary = "bad default"
    static let higherIsBetter = true
    static let parameters = [ParameterSpec("k", .number, default: .number(5), range: 0...1, "a share")]
    init(parameters: PluginParameters) throws {
        guard parameters.number("k", default: 5) <= 1 else { throw PluginError("k must be at most 1") }
    }
    func evaluate(_ input: MetricInput) -> Double { 0 }
}

final class BrokenPluginTests: XCTestCase {
    /// The properties a loss fails.
    private func failed(_ t: any LossPlugin.Type) -> Set<CheckProperty> {
        Set(PluginChecks.check(loss: t).failures.map(\.property))
    }

    private func failed(_ t: any MetricPlugin.Type) -> Set<CheckProperty> {
        Set(PluginChecks.check(metric: t).failures.map(\.property))
    }

    func testCorrectWeightedLossPasses() {
        let result = PluginChecks.check(loss: WeightedBCE.self)
        XCTAssertEqual(result.failures.count, 0, "\(result)")
        XCTAssertEqual(Set(result.checked), [.construction, .gradient, .reduction, .rowOrder, .finite])
    }

    func testWrongGradientIsReported() {
        XCTAssertEqual(failed(WrongGradientLoss.self), [.gradient])
    }

    func testSumInsteadOfMeanIsReported() {
        XCTAssertEqual(failed(SumLoss.self), [.reduction])
    }

    func testOverflowAtLargeLogitsIsReported() {
        XCTAssertEqual(failed(NaiveLoss.self), [.finite])
    }

    func testWrongExampleIsReported() {
        let result = PluginChecks.check(loss: WrongExampleLoss.self)
        XCTAssertEqual(result.failures.map(\.property), [.examples])
        XCTAssertTrue("\(result)".contains("wrong_example") && "\(result)".contains("examples"), "\(result)")
    }

    func testRowOrderDependenceIsReported() {
        XCTAssertEqual(failed(FirstRowMetric.self), [.rowOrder])
    }

    func testOutOfRangeIsReported() {
        XCTAssertEqual(failed(OutOfRangeMetric.self), [.range])
    }

    func testNaNWhereDefinedIsReported() {
        XCTAssertEqual(failed(NaNMetric.self), [.finite])
    }

    func testUnbuildableDefaultsAreReported() {
        XCTAssertEqual(failed(BadDefaultMetric.self), [.construction])
    }

    /// Through a catalog, as `sweep plugins check` runs it: the failing plugin and property are named.
    func testCatalogRunNamesPluginAndProperty() throws {
        let catalog = try PluginCatalog([WrongGradientLoss.self, FirstRowMetric.self])
        let lines = try PluginChecks.check(catalog).map(\.description)
        XCTAssertEqual(lines.count, 2)
        XCTAssertTrue(lines.contains { $0.hasPrefix("FAIL  loss wrong_gradient: gradient:") }, "\(lines)")
        XCTAssertTrue(lines.contains { $0.hasPrefix("FAIL  metric first_row: row_order:") }, "\(lines)")
        // A failing plugin's report also lists the properties that held.
        let loss = try XCTUnwrap(lines.first { $0.hasPrefix("FAIL  loss wrong_gradient") })
        XCTAssertTrue(loss.hasSuffix("\n      passed: construction, reduction, row_order, finite"), loss)
    }
}
