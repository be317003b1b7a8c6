import SweepPluginAPI
import SweepStandardPlugins
import XCTest

/// `asl` at the edges of its declared parameter ranges.
final class AsymmetricLossTests: XCTestCase {
    /// With clip 0 and eps 0, q = sigmoid(-x) underflows to 0 at x = 800; the negative term's
    /// gradient d(-log q)/dx = p = 1 must stay finite (it was 0/0). Focusing weights at
    /// p = 1 (negative) and q = 1 (positive) are 1, so loss = (800 + 800) / 2 and
    /// gradient = (p, -q) / 2 = (1/2, -1/2).
    func testLargeLogitsWithoutClipOrEpsilonGiveAFiniteGradient() throws {
        let type = try PluginCatalog(StandardPlugins.all).loss(named: "asl")
        let parameters = try PluginParameters(resolving: ["clip": .number(0), "eps": .number(0)],
                                              against: type.parameters, plugin: "asl")
        let loss = try type.init(parameters: parameters,
                                 context: LossContext(classNames: ["a", "b"], positives: [1, 1], samples: 2))
        let logits: [Float] = [800, -800]      // (1, 2)
        let targets: [Float] = [0, 1]          // (1, 2)
        var gradient = [Float](repeating: .nan, count: 2)
        let value = logits.withUnsafeBufferPointer { x in
            targets.withUnsafeBufferPointer { y in
                gradient.withUnsafeMutableBufferPointer { loss.loss(logits: x, targets: y, rows: 1, columns: 2, gradient: $0) }
            }
        }
        XCTAssertEqual(value, 800, accuracy: 1e-9)
        XCTAssertEqual(gradient, [0.5, -0.5])
    }
}
