import Foundation
import SweepPluginAPI

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
