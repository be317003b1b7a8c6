import SweepPluginAPI
import SweepPluginChecks
import SweepPlugins
import XCTest

/// The shared suite over every plugin compiled in: the built-ins and every folder under plugins/,
/// so a user's plugin is tested by `swift test` the moment it exists.
final class ConformanceTests: XCTestCase {
    func testEveryPluginPassesTheSharedSuite() throws {
        let results = try PluginChecks.check(try AllPlugins.catalog())
        XCTAssertEqual(results.count, AllPlugins.types.count)
        for r in results {
            for f in r.failures { XCTFail("\(r.kind.rawValue) '\(r.plugin)' fails \(f)") }
            // A loss is checked for `reduction` unless it declares a whole-batch reduction (then
            // it says so); every plugin is checked for row order.
            let wholeBatch = r.skipped.contains { $0.property == .reduction }
            XCTAssertTrue(r.kind == .metric || r.checked.contains(.reduction) != wholeBatch, r.plugin)
            XCTAssertTrue(r.checked.contains(.rowOrder), r.plugin)
        }
    }

    /// The generated registry found every built-in (no hand-kept list to forget one in).
    func testRegistryFindsTheBuiltIns() throws {
        let catalog = try AllPlugins.catalog()
        XCTAssertTrue(Set(catalog.lossNames).isSuperset(of: ["focal", "asl", "cross_entropy"]), "\(catalog.lossNames)")
        XCTAssertTrue(Set(catalog.metricNames).isSuperset(of: [
            "f1_samples", "f1_micro", "f1_macro", "roc_auc_samples", "roc_auc_macro", "map", "hamming_loss",
            "subset_accuracy", "lrap", "coverage", "ranking_loss", "one_error",
        ]), "\(catalog.metricNames)")
    }

    /// Only the ASL gradient is exempt from the finite-difference check, and it says why.
    func testOnlyDeclaredSurrogateGradientsSkipTheGradientCheck() throws {
        let results = try PluginChecks.check(try AllPlugins.catalog(), names: ["focal", "asl", "cross_entropy"])
        for r in results {
            XCTAssertEqual(r.checked.contains(.gradient), r.plugin != "asl", r.plugin)
            XCTAssertEqual(r.skipped.map(\.property), r.plugin == "asl" ? [.gradient] : [], r.plugin)
        }
    }

    func testUnknownNameListsTheKnownOnes() throws {
        XCTAssertThrowsError(try PluginChecks.check(try AllPlugins.catalog(), names: ["focal", "nope"])) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("'nope'") && text.contains("focal") && text.contains("f1_samples"), text)
        }
    }
}
