import Foundation
import XCTest

/// The committed reference values under Tests/Fixtures/search/ (made by the make_*_fixture.py scripts).
enum SearchFixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures").appendingPathComponent("search")

    static func load<T: Decodable>(_ name: String, as: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(contentsOf: directory.appendingPathComponent(name)))
    }
}

/// Kolmogorov-Smirnov distance between `samples` (all in [0, 1]) and the uniform distribution.
func ksUniform(_ samples: [Double]) -> Double {
    let s = samples.sorted()
    let n = Double(s.count)
    var d = 0.0
    for (i, x) in s.enumerated() {
        d = max(d, abs(Double(i + 1) / n - x), abs(x - Double(i) / n))
    }
    return d
}
