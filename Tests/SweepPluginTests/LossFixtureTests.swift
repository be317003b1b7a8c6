import SweepPluginAPI
import SweepStandardPlugins
import XCTest

/// Each built-in loss against torch autograd (float64 on the same float32 logits):
/// value within 1e-6 relative, gradient within 1e-5 relative (absolute floor 1e-9).
final class LossFixtureTests: XCTestCase {
    func testLossesMatchTorch() throws {
        let cases = try Fixtures.load("losses.json", as: [LossCase].self)
        let catalog = try PluginCatalog(StandardPlugins.all)
        XCTAssertEqual(Set(cases.map(\.loss)), ["focal", "asl", "cross_entropy"])
        for (k, c) in cases.enumerated() {
            let label = "case \(k) \(c.loss) \(c.parameters)"
            try c.check(try catalog.loss(named: c.loss), label)
        }
    }
}
