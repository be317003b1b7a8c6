import Foundation
import XCTest
@_exported import SweepTestSupport

/// Writes `text` as UTF-8 to `url`.
func write(_ text: String, to url: URL) throws {
    try Data(text.utf8).write(to: url)
}
