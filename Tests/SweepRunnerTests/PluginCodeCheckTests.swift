import SweepCore
import SweepPluginAPI
import SweepPlugins
import XCTest
import SweepTestSupport
@testable import SweepRunner

/// A worker refuses a trial planned with other code of a user plugin than its own binary has
/// (sweep rebuilt while the sweep ran), instead of recording results of code the id does not name.
final class PluginCodeCheckTests: XCTestCase {
    func testWorkerRefusesATrialPlannedWithOtherPluginCode() throws {
        let catalog = try AllPlugins.catalog()
        // a metric from plugins/ (the example precision_at_k unless it was removed)
        guard let name = catalog.metricNames.first(where: { catalog.sources[$0]?.origin == .user }),
              let identity = catalog.sources[name]?.codeIdentity else {
            throw ReportedSkip.skip(self, "no user metric under plugins/")
        }
        var train = TrainConfig()
        train.metrics = [PluginChoice(name: "f1_samples"), PluginChoice(name: name)]
        XCTAssertEqual(catalog.userPluginCode(for: train), [name: identity])
        var config = SweepCore.TrialConfig(train: train, seed: 0, data: DataSpec(), backbone: BackboneSpec(),
                                           pluginCode: catalog.userPluginCode(for: train))
        XCTAssertNoThrow(try TrialExecutor.checkPluginCode(config, catalog: catalog))
        config.pluginCode = [name: "sha256:0000"]
        XCTAssertThrowsError(try TrialExecutor.checkPluginCode(config, catalog: catalog)) { error in
            XCTAssertTrue("\(error)".contains("plugin '\(name)'") && "\(error)".contains("rebuilt"), "\(error)")
        }
    }
}
