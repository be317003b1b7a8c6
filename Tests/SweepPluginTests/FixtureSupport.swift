import Foundation
import SweepPluginAPI
import XCTest

/// The committed reference values made by Tests/Fixtures/make_metric_fixtures.py.
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures").appendingPathComponent("plugins")

    static func load<T: Decodable>(_ name: String, as: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(contentsOf: directory.appendingPathComponent(name)))
    }
}

/// One case of metrics.json: scikit-learn's value of every metric (nil where undefined).
struct MetricCase: Decodable {
    var name: String
    var rows: Int
    var columns: Int
    var threshold: Double
    /// (rows, columns)
    var scores: [Double]
    /// (rows, columns)
    var targets: [UInt8]
    var expected: [String: Double?]
}

/// One case of losses.json: torch's mean loss and d(mean)/d(logits) in float64.
struct LossCase: Decodable {
    var loss: String
    var parameters: [String: Double]
    var rows: Int
    var columns: Int
    /// (rows, columns), float32-representable
    var logits: [Float]
    /// (rows, columns)
    var targets: [Float]
    var value: Double
    /// (rows, columns)
    var gradient: [Double]
}

extension LossCase {
    /// Builds `type` with this case's parameters and checks its value (within 1e-6 relative)
    /// and gradient (within 1e-5 relative, absolute floor 1e-9) against the reference; the value
    /// without a gradient buffer must be the same number.
    func check(_ type: any LossPlugin.Type, _ label: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let parameters = try PluginParameters(resolving: self.parameters.mapValues { .number($0) },
                                              against: type.parameters, plugin: type.name)
        let context = LossContext(classNames: (0..<columns).map { "c\($0)" },
                                  positives: [Int](repeating: 1, count: columns), samples: rows)
        let loss = try type.init(parameters: parameters, context: context)
        var gradient = [Float](repeating: .nan, count: rows * columns)
        let value = logits.withUnsafeBufferPointer { x in
            targets.withUnsafeBufferPointer { y in
                gradient.withUnsafeMutableBufferPointer { g in
                    loss.loss(logits: x, targets: y, rows: rows, columns: columns, gradient: g)
                }
            }
        }
        XCTAssertEqual(value, self.value, accuracy: 1e-6 * abs(self.value), label, file: file, line: line)
        let alone = logits.withUnsafeBufferPointer { x in
            targets.withUnsafeBufferPointer { loss.loss(logits: x, targets: $0, rows: rows, columns: columns, gradient: nil) }
        }
        XCTAssertEqual(alone, value, label, file: file, line: line)
        for i in gradient.indices {
            XCTAssertEqual(Double(gradient[i]), self.gradient[i], accuracy: 1e-5 * abs(self.gradient[i]) + 1e-9,
                           "\(label) gradient[\(i)]", file: file, line: line)
        }
    }
}
