import Foundation
import SweepPluginAPI
import SweepPluginChecks
import SweepPlugins
import XCTest
import SweepTestSupport

/// Whole-batch losses: the example plugin `soft_f1` (plugins/example_soft_f1) against torch
/// autograd, the suite's checks for such losses, and what it reports when the declaration is
/// missing or the loss depends on the order of the rows.
final class BatchLossTests: XCTestCase {
    /// The example plugin, or a skip when its folder was deleted (plugins/README.md: "Delete its
    /// folder and rebuild"); a folder that is there but not registered is a failure.
    private func softF1() throws -> any LossPlugin.Type {
        let folder = SweepPackage.root.appendingPathComponent("plugins/example_soft_f1")
        guard FileManager.default.fileExists(atPath: folder.path) else {
            throw ReportedSkip.skip(self, "plugins/example_soft_f1 was removed")
        }
        return try AllPlugins.catalog().loss(named: "soft_f1")
    }

    /// Value within 1e-6 relative and gradient within 1e-5 relative (floor 1e-9) of torch's
    /// float64 autograd (Tests/Fixtures/make_soft_f1_fixture.py), with and without a gradient buffer.
    func testSoftF1MatchesTorchAutograd() throws {
        let type = try softF1()
        let cases = try Fixtures.load("soft_f1.json", as: [LossCase].self)
        XCTAssertEqual(cases.count, 6)
        for (k, c) in cases.enumerated() {
            let label = "case \(k) \(c.rows)x\(c.columns) \(c.parameters)"
            try c.check(type, label)
        }
    }

    /// soft_f1 passes the suite as a whole-batch loss: row order, gradient and finiteness are
    /// checked, `reduction` is skipped with the reason.
    func testSoftF1PassesTheSuiteAsAWholeBatchLoss() throws {
        let type = try softF1()
        XCTAssertEqual(type.reduction, .wholeBatch)
        let result = PluginChecks.check(loss: type)
        XCTAssertTrue(result.passed, "\(result)")
        XCTAssertEqual(Set(result.checked), [.construction, .examples, .gradient, .rowOrder, .finite])
        XCTAssertEqual(result.skipped.map(\.property), [.reduction])
    }

    /// The same loss without the declaration fails `reduction` (the report): soft F1 of
    /// two batches together is not the row-weighted mean of theirs.
    func testSoftF1WithoutTheDeclarationFailsReduction() throws {
        _ = try softF1()
        let result = PluginChecks.check(loss: UndeclaredSoftF1.self)
        XCTAssertEqual(Set(result.failures.map(\.property)), [.reduction], "\(result)")
    }

    /// A whole-batch loss that weighs rows by their position fails `row_order`, naming a cell.
    func testWholeBatchLossThatDependsOnRowOrderIsReported() {
        let result = PluginChecks.check(loss: PositionWeightedLoss.self)
        XCTAssertEqual(result.failures.map(\.property), [.rowOrder], "\(result)")
        XCTAssertTrue("\(result)".contains("FAIL  loss position_weighted: row_order: a batch of 7 rows gives"), "\(result)")
    }
}

/// The package root (this file is Tests/SweepPluginTests/BatchLossTests.swift).
enum SweepPackage {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
}

/// The example soft F1 loss, but declared (by default) a mean over rows.
private struct UndeclaredSoftF1: LossPlugin {
    static let name = "soft_f1_undeclared"
    static let summary = "soft_f1 without reduction = .wholeBatch"
    let inner: any LossPlugin
    init(parameters: PluginParameters, context: LossContext) throws {
        inner = try AllPlugins.catalog().loss(named: "soft_f1")
            .init(parameters: PluginParameters(["epsilon": .number(1e-7)]), context: context)
    }
    func loss(logits: UnsafeBufferPointer<Float>, targets: UnsafeBufferPointer<Float>,
              rows: Int, columns: Int, gradient: UnsafeMutableBufferPointer<Float>?) -> Double {
        inner.loss(logits: logits, targets: targets, rows: rows, columns: columns, gradient: gradient)
    }
}

/// Squared sigmoid error with row r weighted by r + 1, normalised by the weights' sum: a
/// whole-batch loss with an exact gradient that depends on the order of the rows.
private struct PositionWeightedLoss: LossPlugin {
    static let name = "position_weighted"
    static let summary = "rows weighted by position"
    static let reduction = LossReduction.wholeBatch
    init(parameters: PluginParameters, context: LossContext) throws {}
    func loss(logits: UnsafeBufferPointer<Float>, targets: UnsafeBufferPointer<Float>,
              rows: Int, columns: Int, gradient: UnsafeMutableBufferPointer<Float>?) -> Double {
        let total = Double(rows * (rows + 1) / 2 * columns)
        var sum = 0.0
        for r in 0..<rows {
            for c in 0..<columns {
                let i = r * columns + c, w = Double(r + 1) / total
                let p = LogitMath.sigmoid(Double(logits[i])), d = p - Double(targets[i])
                sum += w * d * d
                gradient?[i] = Float(w * 2 * d * p * (1 - p))
            }
        }
        return sum
    }
}
