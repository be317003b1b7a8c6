import Foundation
import XCTest

/// A fresh temporary folder, removed when the test ends.
func temporaryFolder(_ test: XCTestCase, _ name: String = #function) throws -> URL {
    let safe = name.filter { $0.isLetter || $0.isNumber }
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("sweep-scenes-tests-\(safe)-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
}

/// Writes `text` as UTF-8 to `url`.
func write(_ text: String, to url: URL) throws {
    try Data(text.utf8).write(to: url)
}
