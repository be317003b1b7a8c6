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
            let type = try catalog.loss(named: c.loss)
            let parameters = try PluginParameters(resolving: c.parameters.mapValues { .number($0) },
                                                  against: type.parameters, plugin: c.loss)
            let context = LossContext(classNames: (0..<c.columns).map { "c\($0)" },
                                      positives: [Int](repeating: 1, count: c.columns), samples: c.rows)
            let loss = try type.init(parameters: parameters, context: context)
            var gradient = [Float](repeating: .nan, count: c.rows * c.columns)
            let value = c.logits.withUnsafeBufferPointer { x in
                c.targets.withUnsafeBufferPointer { y in
                    gradient.withUnsafeMutableBufferPointer { g in
                        loss.loss(logits: x, targets: y, rows: c.rows, columns: c.columns, gradient: g)
                    }
                }
            }
            XCTAssertEqual(value, c.value, accuracy: 1e-6 * abs(c.value), label)
            // The value alone (no gradient buffer) is the same number.
            let alone = c.logits.withUnsafeBufferPointer { x in
                c.targets.withUnsafeBufferPointer { y in
                    loss.loss(logits: x, targets: y, rows: c.rows, columns: c.columns, gradient: nil)
                }
            }
            XCTAssertEqual(alone, value, label)
            for i in gradient.indices {
                XCTAssertEqual(Double(gradient[i]), c.gradient[i], accuracy: 1e-5 * abs(c.gradient[i]) + 1e-9,
                               "\(label) gradient[\(i)]")
            }
        }
    }
}
